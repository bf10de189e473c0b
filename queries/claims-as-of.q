# Claims describing a time in April or May 2025.
claims where as_of overlaps 2025-04/2025-05 | show seq, subject, value, as_of
