# The 1,000-for-1,000 deal: corroborated by independent origins.
figures exchange/2025-05-23/agreed-per-side
