# Every contradiction in the log (there are none in the seed reports).
conflicts
