"""The scheduling blueprint, on its own so that each view module can register on it without
importing another view module."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scheduling", __name__)
