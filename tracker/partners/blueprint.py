"""The partners' blueprint, which views.py (shares and the partner portal) and
organisation_views.py (partner organisations) both add their routes to."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("partners", __name__)
