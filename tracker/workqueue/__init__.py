"""The work queue: what needs doing, for each person, as counts that link to exactly
those records."""
