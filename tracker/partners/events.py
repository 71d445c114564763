"""Emails about partners. Built from ids when sent."""

from __future__ import annotations
