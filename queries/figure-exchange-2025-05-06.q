# What was returned on 6 May 2025, and who says so.
figures exchange/2025-05-06/returned-to-ukraine
