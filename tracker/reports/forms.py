"""The reports' choices that need checking: a range of dates, read from the query string so
that a report for some dates has a URL to share."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from tracker.forms.fields import GovDateField
from tracker.reports.comparison import Period


class DateRangeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    submitted_from = GovDateField(
        "Submitted from (optional)",
        what="The from date",
        required=False,
        description="Leave empty to count from the campaign's first application. "
        "For example, 1 3 2026",
    )
    submitted_to = GovDateField(
        "Submitted to (optional)",
        what="The to date",
        required=False,
        description="Leave empty to count to the campaign's last application, or to today "
        "while it is still open. For example, 31 3 2026",
    )

    def validate_submitted_to(self, field):
        start = self.submitted_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The to date must be the same as or after the from date")

    def period(self, campaign, today: date) -> Period:
        """The dates chosen; with no "to" date for a campaign still open, up to today."""
        start, end = self.submitted_from.data, self.submitted_to.data
        running = end is None and today <= campaign.closes_on and (start is None or start <= today)
        return Period(
            campaign_name=campaign.name,
            opens_on=campaign.opens_on,
            start=start,
            end=today if running else end,
            to_today=running,
        )

    def args(self) -> dict[str, list[str]]:
        """The dates as typed, for links to the same report (its CSV files)."""
        return {
            field.name: field.raw_data
            for field in (self.submitted_from, self.submitted_to)
            if field.data is not None
        }

    def details(self) -> dict[str, str]:
        """The dates for the audit log."""
        return {
            field.name: field.data.isoformat()
            for field in (self.submitted_from, self.submitted_to)
            if field.data is not None
        }
