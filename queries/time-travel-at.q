# The log as it was after its first 12 entries: only two claims on the deal so far.
figures exchange/2025-05-23/agreed-per-side at 12
