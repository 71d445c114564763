"""The work queue's one form: HR reminding candidates to book."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from tracker.forms.fields import IdChoices


class RemindForm(FlaskForm):
    application_ids = IdChoices(
        "Candidates", not_listed="Those candidates could not be found: nobody was reminded"
    )
    # The "Remind everyone not yet reminded" button's value.
    all = StringField()
    # "yes" from the confirmation page: the candidates it listed are reminded.
    confirmed = StringField()

    @property
    def everyone(self) -> bool:
        return self.all.data == "1" and not self.is_confirmed

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"
