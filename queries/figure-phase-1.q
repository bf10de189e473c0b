# The first phase and its parts (270 military + 120 civilians = 390).
figures "exchange/2025-05-23/phase-1/*"
