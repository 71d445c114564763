"""Age bands for the equality report, from the date of birth an application gives. Pure.

Age is taken on the campaign's closing date: one date for everyone in the campaign, so two
people born on the same day always fall in the same band, whenever they applied. The bands
follow how apprenticeships are funded and reported (16 to 18, 19 to 24, then wider bands);
someone who applies at 15 to start after their 16th birthday is counted in the first band.
"""

from __future__ import annotations

from datetime import date

KEY = "age_band"
TITLE = "Age"
QUESTION = "Date of birth (asked with the personal details), as age on the closing date"
MISSING = "Not known"
# (code, label, youngest age in the band); each band runs to the next band's youngest less one.
_BANDS: tuple[tuple[str, str, int], ...] = (
    ("under-19", "18 and under", 0),
    ("19-24", "19 to 24", 19),
    ("25-34", "25 to 34", 25),
    ("35-49", "35 to 49", 35),
    ("50-and-over", "50 and over", 50),
)
ANSWERS: tuple[tuple[str, str], ...] = tuple((code, label) for code, label, _ in _BANDS)


def age_on(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on`` (someone born on 29 February turns a year older
    on 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def band(born: date | None, on: date) -> str | None:
    """The band's code, or None when no date of birth was given."""
    if born is None:
        return None
    age = age_on(born, on)
    return next(code for code, _, youngest in reversed(_BANDS) if age >= youngest)


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February, in a year without one
        return on.replace(year=on.year - years, day=28)


def latest_births(on: date) -> list[tuple[str, date | None]]:
    """Each band with the latest date of birth in it on ``on`` (None: no limit), youngest
    band last: someone is in the first band whose date they were born on or before. So the
    database can turn a date of birth into a band without the date ever leaving it."""
    return [
        (code, _years_before(on, youngest) if youngest else None)
        for code, _, youngest in reversed(_BANDS)
    ]
