"""Signed-in applicants, from a server-side session named in the signed cookie.

Staff use Flask-Login; applicants are kept apart on purpose, under their own cookie key, so
that no staff permission check can ever be satisfied by an applicant's session.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, flash, g, redirect, request, session, url_for

from tracker.accounts import server_sessions
from tracker.accounts.server_sessions import STATUS_ENDPOINT, init_server_sessions
from tracker.actions import save
from tracker.applicants import kept, services
from tracker.applicants.models import Applicant, ApplicantSession

SESSION_KEY = "applicant_session"


def current_applicant() -> Applicant | None:
    return g.get("applicant")


def sign_in(applicant: Applicant) -> None:
    """Start a fresh session: nothing from the anonymous session survives (no fixation), and
    a session already open in this browser (perhaps another address's) is ended."""
    if g.get("applicant_session") is not None:
        server_sessions.end(g.applicant_session)
    session.clear()
    _, session[SESSION_KEY] = server_sessions.start(ApplicantSession, applicant_id=applicant.id)
    session.permanent = False
    g.applicant = applicant
    g.applicant_session = None


def sign_out() -> None:
    applicant_session = g.get("applicant_session")
    if applicant_session is not None:
        server_sessions.end(applicant_session)
    session.clear()
    g.applicant = None


RETURN_KEY = "applicant_return_to"


ENDED_MESSAGE = (
    "You were signed out because you had not done anything for a while. We have kept what "
    "you typed: sign in again and you will find it on the page you were on."
)
# For a page that cannot give typed work back (a file, a button, the equality answers, which
# are never kept): say plainly that it has to be done again.
ENDED_NOT_KEPT_MESSAGE = (
    "You were signed out because you had not done anything for a while, so we could not do "
    "that. Sign in again and do it again."
)


def restores_typed_work(view):
    """Marks a view whose form gives back what was typed after a session ended (built with
    ``tracker.applications.blueprint.form_for``): only its posts are kept, so that the
    applicant is never told their work is waiting on a page that cannot show it. Put it
    below ``applicant_required``."""
    view.restores_typed_work = True
    return view


def applicant_required(view):
    """Signed in as an applicant, or off to the sign-in page, and back here afterwards when
    the emailed link is opened in this browser.

    A form posted just after the applicant's session ended is not lost: what they typed is
    kept (tracker.applicants.kept), and the page gives it back once they sign in again.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_applicant() is None:
            ended_for = g.get("ended_applicant_id")
            if request.method == "POST" and ended_for is not None:
                kept_it = getattr(view, "restores_typed_work", False) and save(
                    lambda: kept.keep(applicant_id=ended_for, path=request.path, form=request.form)
                )
                flash(ENDED_MESSAGE if kept_it else ENDED_NOT_KEPT_MESSAGE)
            if "GET" in request.url_rule.methods:  # back to a page, never a bare button
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


# Addresses that need no applicant. The fresh form token is among them, so that asking for
# it does not forget whose session just ended before the form it is for is sent.
_NOT_SIGNED_IN_PAGES = ("static", "public.branding_css", "sessions.form_token")


def _load_applicant() -> None:
    g.applicant = None
    g.applicant_session = None
    g.ended_applicant_id = None
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or request.endpoint in _NOT_SIGNED_IN_PAGES:
        return
    # Commits nothing: the session's own bookkeeping (its idle timer, or its end) is stored
    # after the view, or with its commit (tracker/accounts/server_sessions.py).
    found = server_sessions.find_live(
        ApplicantSession,
        token,
        services.session_timeouts(),
        touch=request.endpoint != STATUS_ENDPOINT,
    )
    if found is None:
        # Whose session this was, so that a form they post now can be kept for them.
        g.ended_applicant_id = services.applicant_id_of_session(token)
        if request.endpoint != STATUS_ENDPOINT:
            # Asking whether it has ended must not forget whose it was: the page may send
            # the form it was typing in next.
            session.pop(SESSION_KEY, None)
        return
    g.applicant = found.applicant
    g.applicant_session = found


def init_applicant_login(app: Flask) -> None:
    init_server_sessions(app)
    app.before_request(_load_applicant)
    app.add_template_global(current_applicant)
