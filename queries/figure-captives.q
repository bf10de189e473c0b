# At least 8,000 (1 May) and approximately 10,000 (April): consistent, not contradictory.
figures pows/ukraine/held-by-russia
