"""Background jobs for partners. They take ids and open their own transaction."""

from __future__ import annotations
