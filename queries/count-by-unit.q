# How many claims count people.
claims where unit = people | count
