# Executions alleged since February 2022 (approximate: default tolerance).
figures executions/ukrainian-pows-by-russia
