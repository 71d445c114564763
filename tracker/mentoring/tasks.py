"""Background jobs for mentoring. They take ids and open their own transaction."""

from __future__ import annotations
