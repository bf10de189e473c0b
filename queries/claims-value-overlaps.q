# Claims whose figure overlaps "about 10,000".
claims where value overlaps "about 10,000" | show seq, subject, value, speaker
