"""The one way a view runs a change (tracker/actions.py): commit on success; on a refusal,
roll back everything the service did and put the message beside the field."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from wtforms import StringField

from tests.factories import TrackFactory
from tracker.actions import add_error, attempt, check, save, scoped_or_404
from tracker.catalogue.models import Track
from tracker.extensions import db
from tracker.refusals import Refused


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name")


def _rename(track_id: int, name: str, *, refuse: str | None = None, field: str | None = None):
    track = db.session.get(Track, track_id)
    track.name = name
    db.session.flush()
    if refuse:
        raise Refused(refuse, field=field)
    return track.name


def _name_in_database(track_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Track.name).where(Track.id == track_id))


def test_a_change_that_succeeds_is_committed_and_its_result_returned(app):
    track = TrackFactory(name="Data analysis")
    db.session.commit()  # what was there before the request
    with app.test_request_context():
        form = NameForm(formdata=None)
        done = attempt(form, lambda: _rename(track.id, "Data and insight"))
    assert done and done.value == "Data and insight"
    assert form.errors == {}
    assert _name_in_database(track.id) == "Data and insight"


def test_a_refused_change_keeps_nothing_and_puts_the_message_beside_its_field(app):
    track = TrackFactory(name="Data analysis")
    db.session.commit()  # what was there before the request
    with app.test_request_context():
        form = NameForm(formdata=None)
        done = attempt(
            form, lambda: _rename(track.id, "X", refuse="Enter a longer name", field="name")
        )
    assert not done and done.value is None
    assert form.errors == {"name": ["Enter a longer name"]}
    assert _name_in_database(track.id) == "Data analysis"


def test_the_view_names_the_field_when_the_service_does_not(app):
    track = TrackFactory()
    db.session.commit()  # what was there before the request
    with app.test_request_context():
        form = NameForm(formdata=None)
        attempt(form, lambda: _rename(track.id, "X", refuse="Not now"), field="name")
        assert form.errors == {"name": ["Not now"]}


def test_a_refusal_about_no_one_field_is_on_the_form_and_leads_to_it(app):
    track = TrackFactory()
    db.session.commit()  # what was there before the request
    with app.test_request_context():
        form = NameForm(formdata=None)
        attempt(form, lambda: _rename(track.id, "X", refuse="Someone changed this first"))
        assert form.form_errors == ["Someone changed this first"]
        html = app.jinja_env.from_string(
            '{% from "_forms.html" import error_summary, form_errors %}'
            "{{ error_summary(form) }}{{ form_errors(form) }}"
        ).render(form=form)
    assert 'href="#form-errors"' in html
    assert 'id="form-errors"' in html
    assert "Someone changed this first" in html


def test_a_field_the_form_does_not_have_falls_back_to_the_form(app):
    with app.test_request_context():
        form = NameForm(formdata=None)
        add_error(form, "Choose a date", "day")
        assert form.form_errors == ["Choose a date"]


def test_other_errors_are_not_swallowed(app):
    track = TrackFactory()
    db.session.commit()  # what was there before the request

    def broken():
        _rename(track.id, "X")
        raise RuntimeError("bug")

    with app.test_request_context(), pytest.raises(RuntimeError):
        attempt(NameForm(formdata=None), broken)


def test_save_commits(app):
    track = TrackFactory(name="ICT support")
    db.session.commit()  # what was there before the request
    save(lambda: _rename(track.id, "ICT service desk"))
    assert _name_in_database(track.id) == "ICT service desk"


def test_scoped_or_404_finds_one_row_or_answers_404(app):
    track = TrackFactory()
    db.session.commit()  # what was there before the request
    assert scoped_or_404(select(Track).where(Track.id == track.id)) is track
    assert scoped_or_404(select(Track).where(Track.id == track.id), lock=True) is track
    with pytest.raises(NotFound):
        scoped_or_404(select(Track).where(Track.id == -1))


def test_check_reports_a_refusal_and_commits_nothing_either_way(app):
    track = TrackFactory(name="Data analysis")
    db.session.commit()  # what was there before the request
    with app.test_request_context():
        form = NameForm(formdata=None)
        refused = check(form, lambda: _rename(track.id, "X", refuse="Too short", field="name"))
        assert not refused and form.errors == {"name": ["Too short"]}
        assert check(NameForm(formdata=None), lambda: "fine").value == "fine"
    db.session.rollback()  # the request ends without a commit
    assert _name_in_database(track.id) == "Data analysis"
