"""The personal-data lifecycle: retention, subject access exports and erasure."""
