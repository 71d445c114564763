"""Shortlist exports: the candidates a user can see, with chosen columns, as CSV or XLSX."""
