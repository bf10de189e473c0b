# The whole 23-25 May exchange, per side.
figures exchange/2025-05-23/per-side
