# Claims by one speaker, chosen fields.
claims where speaker = "Rustem Umerov" | show seq, subject, value, said_on, document
