# Every claim behind the captives figure, with entry hash, speaker, role, document and quote.
provenance pows/ukraine/held-by-russia
