# Every contradiction in the log (there are none in the seed reports).
# expect: nothing
conflicts
