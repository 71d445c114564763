"""The reports' choices that need checking: a range of dates, read from the query string so
that a report for some dates has a URL to share."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from tracker.applications.validators import GovDateField
from tracker.reports.comparison import Period


class DateRangeForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    submitted_from = GovDateField(
        "From", what="The from date", required=False, description="For example, 1 3 2026"
    )
    submitted_to = GovDateField(
        "To", what="The to date", required=False, description="For example, 31 3 2026"
    )

    def validate_submitted_to(self, field):
        start = self.submitted_from.data
        if field.data and start and field.data < start:
            raise ValidationError("The to date must be the same as or after the from date")

    def period(self, campaign) -> Period:
        return Period(
            campaign_name=campaign.name,
            opens_on=campaign.opens_on,
            start=self.submitted_from.data,
            end=self.submitted_to.data,
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
