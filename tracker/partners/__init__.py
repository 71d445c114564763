"""Employer partners: candidates HR shares with a partner organisation, and its feedback."""
