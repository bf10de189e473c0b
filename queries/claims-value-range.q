# Figures of at least 1,000, said from 16 May 2025 on.
claims where value >= 1000 and said_on >= 2025-05-16 | sort seq
