"""Form fields that several domains' forms share."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import IntegerField, SelectMultipleField

from tracker.routing import is_id

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
