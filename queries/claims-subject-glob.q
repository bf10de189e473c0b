# Claims about the 23 May exchange, newest first.
claims where subject ~ "exchange/2025-05-*" | sort said_on desc | show seq, subject, value, origin, said_on
