"""Emails about personal data. Built from ids when sent."""

from __future__ import annotations
