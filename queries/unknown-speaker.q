# An unknown name is not a silent empty answer.
# expect: nothing
claims where speaker = Umerov
