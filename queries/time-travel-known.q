# What was known by 16 May 2025: claims said on or before that day.
figures exchange/ known 2025-05-16
