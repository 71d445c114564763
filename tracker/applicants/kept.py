"""What an applicant typed, kept when their session ended before they could save it.

The answers are held on the server, never in the cookie: the cookie holds only a random
token, whose hash finds them. They go back only to the same applicant, on the same page,
once, and are deleted after a day whether or not they were used.
"""

from __future__ import annotations

from datetime import timedelta

from flask import after_this_request, current_app, request
from sqlalchemy import delete, select

from tracker.accounts.tokens import new_token, token_hash
from tracker.applicants.models import Applicant, KeptForm
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched

COOKIE = "kept_form"
KEPT_FOR = timedelta(days=1)
# Never kept: the token that proves the form came from this site, and the buttons.
_LEFT_OUT = {"csrf_token", "submit"}
# The most kept from one post, in characters of names and values: far more than the longest
# page of answers (each answer has its own word limit), far less than a flood of junk.
MOST_KEPT_CHARS = 100_000
MOST_KEPT_FIELDS = 200


def keep(*, applicant_id: int, path: str, form) -> bool:
    """Keep the posted ``form`` for ``path`` and give this browser the token that finds it;
    False (nothing kept) when nothing was typed or far more than any page of ours sends.

    One kept form per applicant and page, and per browser: a later one replaces it (this
    browser's cookie can only find the latest). Flushes; the caller commits. Files cannot
    be kept: a browser cannot be handed one back.
    """
    fields = [[name, value] for name, value in form.items(multi=True) if name not in _LEFT_OUT]
    size = sum(len(name) + len(value) for name, value in fields)
    if not fields or len(fields) > MOST_KEPT_FIELDS or size > MOST_KEPT_CHARS:
        return False
    token = new_token()
    now = utcnow()
    path = path[:300]
    replaced = (KeptForm.applicant_id == applicant_id) & (KeptForm.path == path)
    earlier = request.cookies.get(COOKIE)
    if earlier:
        replaced = replaced | (KeptForm.token_hash == token_hash(earlier[:100]))
    db.session.execute(delete(KeptForm).where(replaced | (KeptForm.expires_at <= now)))
    db.session.add(
        KeptForm(
            token_hash=token_hash(token),
            applicant_id=applicant_id,
            path=path,
            fields=fields,
            created_at=now,
            expires_at=now + KEPT_FOR,
        )
    )
    db.session.flush()

    @after_this_request
    def _give_token(response):
        response.set_cookie(
            COOKIE,
            token,
            max_age=int(KEPT_FOR.total_seconds()),
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response

    return True


def purge_expired(*, now) -> int:
    """Delete every kept form past its day (the nightly retention job): most are given back
    or replaced, but one never asked for again must not outlive its day. Flushes."""
    purged = rows_matched(delete(KeptForm).where(KeptForm.expires_at <= now))
    db.session.flush()
    return purged


def waiting() -> bool:
    """Whether this browser may have a kept form to take: only then is there anything to look
    up (and commit). Almost every page view has none, and is spared both."""
    return request.method == "GET" and bool(request.cookies.get(COOKIE))


def take(*, applicant: Applicant | None, path: str) -> list[list[str]] | None:
    """What this browser kept for ``path``, if it was this applicant's and is still fresh;
    taken once (deleted), so a later visit shows the saved answers instead. Flushes; the
    caller commits."""
    token = request.cookies.get(COOKIE)
    if applicant is None or request.method != "GET" or not token:
        return None
    found = db.session.scalar(
        select(KeptForm).where(
            KeptForm.token_hash == token_hash(token[:100]),
            KeptForm.applicant_id == applicant.id,
            KeptForm.path == path,
            KeptForm.expires_at > utcnow(),
        )
    )
    if found is None:
        return None
    fields = found.fields
    db.session.delete(found)
    db.session.flush()

    @after_this_request
    def _forget_token(response):
        response.delete_cookie(COOKIE)
        return response

    return fields
