"""The exports' blueprint, which views.py (the export page) and template_views.py (its saved
templates) both add their routes to."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/staff/exports")
