"""The population file's upload form: the file is read and checked line by line here, so a
bad file is refused before anything is stored."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from tracker.reports import population


class PopulationUploadForm(FlaskForm):
    file = FileField("Upload a CSV file", widget=GovFileInput())
    submit = SubmitField("Upload figures", widget=GovSubmitInput())

    population: population.Population | None = None
    problems: tuple[str, ...] = ()

    def validate_file(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", None):
            raise ValidationError("Select a CSV file of the area's population")
        # One byte past the limit is enough to know the file is too large.
        data = upload.stream.read(population.MAX_BYTES + 1)
        try:
            self.population = population.read(data)
        except population.BadPopulationFile as bad:
            self.problems = tuple(bad.problems)
            raise ValidationError(str(bad)) from None


class RemovePopulationForm(FlaskForm):
    submit = SubmitField("Remove the figures", widget=GovSubmitInput())
