"""The service's clock. Dates applicants see are UK dates; stored timestamps are UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(UK).date()


def utcnow() -> datetime:
    return datetime.now(UTC)
