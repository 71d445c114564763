"""Signed-in applicants, from a server-side session named in the signed cookie.

Staff use Flask-Login; applicants are kept apart on purpose, under their own cookie key, so
that no staff permission check can ever be satisfied by an applicant's session.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, g, redirect, request, session, url_for

from tracker.applicants import services
from tracker.applicants.models import Applicant
from tracker.extensions import db

SESSION_KEY = "applicant_session"


def current_applicant() -> Applicant | None:
    return g.get("applicant")


def sign_in(applicant: Applicant) -> None:
    """Start a fresh session: nothing from the anonymous session survives (no fixation), and
    a session already open in this browser (perhaps another address's) is ended."""
    if g.get("applicant_session") is not None:
        services.end_session(g.applicant_session)
    session.clear()
    session[SESSION_KEY] = services.start_session(applicant=applicant)
    session.permanent = False
    g.applicant = applicant
    g.applicant_session = None


def sign_out() -> None:
    applicant_session = g.get("applicant_session")
    if applicant_session is not None:
        services.end_session(applicant_session)
    session.clear()
    g.applicant = None


RETURN_KEY = "applicant_return_to"


def applicant_required(view):
    """Signed in as an applicant, or off to the sign-in page, and back here afterwards when
    the emailed link is opened in this browser."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_applicant() is None:
            if request.method == "GET":
                session[RETURN_KEY] = request.path
            return redirect(url_for("applicants.sign_in"))
        return view(*args, **kwargs)

    return wrapped


def take_return_path() -> str | None:
    """Where the applicant was going before signing in: only ever a page of their own."""
    path = session.pop(RETURN_KEY, None)
    if isinstance(path, str) and path.startswith("/applications") and "//" not in path:
        return path
    return None


def _load_applicant() -> None:
    g.applicant = None
    g.applicant_session = None
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or request.endpoint in ("static", "public.branding_css"):
        return
    found = services.find_live_session(token)
    if db.session.dirty:
        # Only the session's own bookkeeping has changed so far (its idle timer or expiry).
        db.session.commit()
    if found is None:
        session.pop(SESSION_KEY, None)
        return
    g.applicant = found.applicant
    g.applicant_session = found


def init_applicant_login(app: Flask) -> None:
    app.before_request(_load_applicant)
    app.add_template_global(current_applicant)
