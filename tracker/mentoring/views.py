"""HR's mentor pages and the mentor's own dashboard."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mentoring", __name__, url_prefix="/staff")
