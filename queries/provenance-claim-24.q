# One claim, traced to its entry and source.
# format: json
provenance #24
