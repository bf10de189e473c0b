# An unknown name is not a silent empty answer.
claims where speaker = Umerov
