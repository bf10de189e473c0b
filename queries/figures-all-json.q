# format: json
# Every figure, for tools.
figures
