# Claims not published by The Kyiv Independent, with a tag, or expected.
claims where not publisher = "The Kyiv Independent" and (tag = civilians or modality = expected) | show seq, subject, value, publisher, modality
