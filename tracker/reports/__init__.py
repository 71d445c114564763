"""Recruitment reports for HR: the funnel, sources, eligibility flags, and the equality report."""
