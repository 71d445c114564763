"""HR's shares with employer partners, and the partner portal."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__)
