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

from tracker.accounts.home import home_url
from tracker.actions import save
from tracker.applicants import services as applicant_sessions
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
    config = current_app.config
    if current_user.is_authenticated:
        kind, live = "staff", current_user.staff_session
        idle = config["STAFF_IDLE_TIMEOUT_MINUTES"]
        lifetime = config["STAFF_SESSION_MAX_HOURS"]
        sign_out = url_for("accounts.sign_out")
    elif current_applicant() is not None:
        kind, live = "applicant", g.applicant_session
        idle = config["APPLICANT_IDLE_TIMEOUT_MINUTES"]
        lifetime = config["APPLICANT_SESSION_MAX_HOURS"]
        sign_out = url_for("applicants.sign_out")
    else:
        return None
    if live is None:  # signed in during this very request: the whole time is left
        left = timedelta(minutes=idle)
    else:
        # Whichever comes first: the idle time-out, or the end of the session's whole
        # lifetime, which no activity moves (find_live_session ends it at either).
        ends = min(
            live.last_seen_at + timedelta(minutes=idle),
            live.created_at + timedelta(hours=lifetime),
        )
        left = ends - utcnow()
    seconds = max(0, int(left.total_seconds()))
    return {
        "kind": kind,
        "seconds_left": seconds,
        # At most half the time, so a short time-out still warns before it ends.
        "warning_seconds": int(min(config["SESSION_TIMEOUT_WARNING_MINUTES"], idle / 2) * 60),
        "sign_out": sign_out,
    }


def _extend_staff_session() -> None:
    # Only the idle timer moves: the session's whole lifetime still ends it on time.
    current_user.staff_session.last_seen_at = utcnow()


@bp.post("/stay-signed-in")
def stay_signed_in():
    """Restart the idle timer of whichever session this browser has (the CSRF token in the
    request's header proves the page asking is ours), and say how long it now has; 401 when
    it had already ended, so the page can say so."""
    if current_user.is_authenticated:
        save(_extend_staff_session)
    elif current_applicant() is not None:
        save(lambda: applicant_sessions.extend_session(g.applicant_session))
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
