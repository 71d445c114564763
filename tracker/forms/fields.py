"""Form fields that several domains' forms share: radios, whole numbers, records by id and
GOV.UK's date input."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovTextInput
from wtforms import DateField, IntegerField, RadioField, SelectMultipleField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from tracker.clock import today
from tracker.routing import is_id

__all__ = ["Choice", "GovDateField", "IdChoices", "WholeNumberField"]

# Longer than any number a form asks for. WTForms' NumberRange compares through float(),
# which fails (a server error) on a whole number of 309 digits or more; a number this long
# is held as one past the limit instead, so the range check refuses it in the field's words.
_MAX_DIGITS = 9


class WholeNumberField(IntegerField):
    """A number typed into a text box, refused in plain English when it is not one. Give it a
    NumberRange: a number too long to hold is refused by the range check."""

    def __init__(self, label: str, *, not_a_number: str, **kwargs):
        super().__init__(label, widget=GovTextInput(), **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        text = str(valuelist[0]).strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(self.not_a_number)
        digits = text.lstrip("0") or "0"
        self.data = int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


class IdChoices(SelectMultipleField):
    """Records as checkboxes, by id. A value that is not an id a record could have (not a
    number, 0, or past the database's range) is a tampered form: it is refused with the same
    words as an id that is not in the list, before any query sees it."""

    def __init__(self, label: str, *, not_listed: str, **kwargs):
        super().__init__(label, coerce=int, validate_choice=False, **kwargs)
        self.not_listed = not_listed

    def process_formdata(self, valuelist):
        if not all(is_id(str(value)) for value in valuelist):
            self.data = []
            raise ValueError(self.not_listed)
        self.data = [int(value) for value in valuelist]


class Choice(RadioField):
    """Radios whose 'not one of the options' error is plain English."""

    def __init__(self, label, *, required: str | None, **kwargs):
        validators = [InputRequired(required)] if required else [Optional()]
        super().__init__(label, validators=validators, widget=GovRadioInput(), **kwargs)
        self.required_message = required

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        # A value of only spaces is no answer. Optional() stops on it and clears the "not one
        # of the options" error, so left as it is it would be saved (U+0085 counts as a space).
        if isinstance(self.data, str) and not self.data.strip():
            self.data = None

    def pre_validate(self, form):
        # InputRequired only sees that something was sent: spaces (now no answer) pass it.
        if self.data is None and self.required_message and self.raw_data:
            raise StopValidation(self.required_message)
        if self.data is not None and self.data not in {value for value, _ in self.choices}:
            raise ValidationError("Select one of the options")


# Day, month and year as typed: ASCII digits only (str.isdigit also accepts '²' and other
# digits int() refuses or reads differently).
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{1,4}")


class GovDateField(DateField):
    """A date typed as day, month and year, with the GOV.UK date input's error messages.

    The three inputs share the field's name, so ``raw_data`` is ``[day, month, year]``; it is
    always kept as exactly three strings so the widget can put back what was typed.

    The field decides for itself whether it must be filled in (``required``), because the
    generic validators read only the first input (the day): ``InputRequired`` and
    ``Optional`` would judge '', '5', '2000' as empty, and all three would replace the
    specific message ('Date of birth must include a day') with a generic one. Passing them
    is therefore refused.
    """

    @property
    def error_anchor(self) -> str:
        """Where an error summary should take the reader: the day box, as GOV.UK advises."""
        return f"{self.id}-day"

    def __init__(
        self,
        label: str | None = None,
        *,
        what: str = "Date of birth",
        required: bool = True,
        not_after_today: bool = False,
        earliest_year: int = 1900,
        empty_message: str | None = None,
        widget: Any = None,
        validators: Any = None,
        **kwargs: Any,
    ) -> None:
        for validator in validators or ():
            if isinstance(validator, InputRequired | DataRequired | Optional):
                raise TypeError(
                    "GovDateField checks for an empty date itself: use required=True or "
                    f"required=False instead of {type(validator).__name__}"
                )
        super().__init__(
            label,
            validators,
            format="%d %m %Y",
            widget=widget or GovDateInput(),
            **kwargs,
        )
        self.what = what
        self.required = required
        self.not_after_today = not_after_today
        self.earliest_year = earliest_year
        self.empty_message = empty_message or f"Enter your {what.lower()}"

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(value) for value in valuelist]
        # Exactly three, so the widget can unpack them: a missing input arrives as fewer.
        self.raw_data = [*parts, "", "", ""][:3]
        self.data = None
        # More than three values means a tampered form; better refused than half-read.
        if any(part.strip() for part in parts[3:]):
            raise ValueError(f"{self.what} must be a real date")
        self.data = self._parse(*(part.strip() for part in self.raw_data))

    def _parse(self, day: str, month: str, year: str) -> date | None:
        """Turn the stripped parts into a date, or raise ValueError with the message to show.

        Messages come in GOV.UK's order of priority: missing parts, then parts that cannot
        be right, then a real date that breaks this field's rules.
        """
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if len(missing) == 3:
            if self.required:
                raise ValueError(self.empty_message)
            return None
        if missing:
            raise ValueError(f"{self.what} must include a {' and '.join(missing)}")

        real_date_message = f"{self.what} must be a real date"
        if not (_DAY_OR_MONTH.fullmatch(day) and _DAY_OR_MONTH.fullmatch(month)):
            raise ValueError(real_date_message)
        if not _YEAR.fullmatch(year):
            raise ValueError(real_date_message)
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            # 31 February, month 13, day 0, year 0000.
            raise ValueError(real_date_message) from None

        if value.year < self.earliest_year:
            raise ValueError(f"{self.what} must be {self.earliest_year} or later")
        if self.not_after_today and value > today():
            raise ValueError(f"{self.what} must be in the past")
        return value
