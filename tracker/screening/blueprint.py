"""The screening blueprint, on its own so that each view module can register on it without
importing another view module (staff's pages register their forms' routes on it too)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("screening", __name__, url_prefix="/staff")
