"""Time-outs that warn first (WCAG 2.2.1, the GOV.UK timeout-warning pattern), for staff and
applicants alike: "Stay signed in" restarts the idle timer, and a session that has ended
says so on a page of its own.

The warning itself is templates/partials/session_timeout.html and
static/js/session-timeout.mjs; this module is the two addresses they use.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from tracker.accounts import server_sessions
from tracker.accounts import sessions as staff_sessions
from tracker.accounts.home import home_url
from tracker.actions import save
from tracker.applicants import services as applicant_services
from tracker.applicants.login import current_applicant
from tracker.clock import utcnow

bp = Blueprint("sessions", __name__, url_prefix="/session")


@bp.app_context_processor
def _session_timeout():
    return {"session_timeout": session_timeout}


def session_timeout() -> dict | None:
    """What the time-out warning needs for this page's session, or None when nobody is
    signed in. The time left is counted from the server's own record of the session's last
    use, so the warning and the server agree on when it ends."""
    if current_user.is_authenticated:
        kind, live, timeouts = "staff", current_user.staff_session, staff_sessions.timeouts()
        sign_out = url_for("accounts.sign_out")
    elif current_applicant() is not None:
        kind, live = "applicant", g.applicant_session
        timeouts = applicant_services.session_timeouts()
        sign_out = url_for("applicants.sign_out")
    else:
        return None
    # Whichever comes first: the idle time-out, or the end of the session's whole lifetime,
    # which no activity moves (server_sessions.find_live ends it at either). Signed in
    # during this very request (no session loaded yet): the whole time is left.
    left = timeouts.idle if live is None else timeouts.ends_at(live) - utcnow()
    seconds = max(0, int(left.total_seconds()))
    idle_minutes = timeouts.idle / timedelta(minutes=1)
    warning_minutes = min(current_app.config["SESSION_TIMEOUT_WARNING_MINUTES"], idle_minutes / 2)
    return {
        "kind": kind,
        "seconds_left": seconds,
        # At most half the time, so a short time-out still warns before it ends.
        "warning_seconds": int(warning_minutes * 60),
        "sign_out": sign_out,
    }


@bp.post("/stay-signed-in")
def stay_signed_in():
    """Restart the idle timer of whichever session this browser has (the CSRF token in the
    request's header proves the page asking is ours), and say how long it now has; 401 when
    it had already ended, so the page can say so."""
    if current_user.is_authenticated:
        save(lambda: server_sessions.extend(current_user.staff_session))
    elif current_applicant() is not None:
        save(lambda: server_sessions.extend(g.applicant_session))
    else:
        return jsonify(signed_in=False), 401
    return jsonify(signed_in=True, seconds_left=session_timeout()["seconds_left"])


@bp.get("/status")
def status():
    """How long this browser's session has left, for a page about to warn or to act on its
    end: another tab may have kept the session alive meanwhile. Only asks (the session
    loaders do not count this as activity); says nothing about who is signed in; 401 when
    the session has ended."""
    timeout = session_timeout()
    if timeout is None:
        return jsonify(signed_in=False), 401
    return jsonify(signed_in=True, seconds_left=timeout["seconds_left"])


@bp.get("/form-token")
def form_token():
    """A fresh token for a form the page sends when the time runs out (to keep what was
    typed): the one the page was served with may have passed Flask-WTF's hour by then. It
    is this browser's own session's token, readable only by our pages (same origin)."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/ended")
def ended():
    """Where the warning sends someone whose time ran out. Still signed in (active in another
    tab meanwhile): back to their own pages instead."""
    if current_user.is_authenticated:
        return redirect(home_url())
    if current_applicant() is not None:
        return redirect(url_for("applications.dashboard"))
    config = current_app.config
    return render_template(
        "sessions/ended.html",
        staff_minutes=config["STAFF_IDLE_TIMEOUT_MINUTES"],
        applicant_minutes=config["APPLICANT_IDLE_TIMEOUT_MINUTES"],
    )
