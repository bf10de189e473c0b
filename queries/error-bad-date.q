# Errors point at the column and say what was expected.
claims where said_on >= yesterday
# expect: error
