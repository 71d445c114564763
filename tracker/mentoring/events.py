"""Emails about mentoring. Built from ids when sent."""

from __future__ import annotations
