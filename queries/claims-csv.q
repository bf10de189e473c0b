# format: csv
claims where origin = "Vladimir Medinsky" | show seq, subject, value, said_on, quote
