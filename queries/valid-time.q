# The captives figure for April 2025 (valid time), rather than the latest.
figures pows/ukraine/held-by-russia valid 2025-04
