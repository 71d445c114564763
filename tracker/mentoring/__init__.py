"""Mentoring: mentors' profiles, their assignment to hired apprentices, and the mentoring log."""
