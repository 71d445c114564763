"""The service's idea of today: UK local time, since closing dates are UK dates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def today() -> date:
    return datetime.now(UK).date()
