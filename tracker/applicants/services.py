"""Applicant sign-in verbs. They flush and never commit: the request does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tracker.accounts.server_sessions import Timeouts
from tracker.accounts.tokens import new_token, token_hash
from tracker.accounts.users import normalise_email
from tracker.applicants.models import Applicant, ApplicantSession, SignInLink
from tracker.audit.services import record_event
from tracker.clock import utcnow
from tracker.extensions import db, rows_matched
from tracker.formatting import public_url
from tracker.notifications.services import queue_email


def applicant_label(applicant: Applicant) -> str:
    """How the audit log names an applicant: by id, never by email (no personal data in logs)."""
    return f"applicant:{applicant.id}"


def send_sign_in_link(*, email: str, role_slug: str | None = None) -> None:
    """Email a sign-in link to this address, whether or not it has applied before.

    The caller shows the same page either way, so nobody can learn who has applied.
    """
    email = normalise_email(email)
    minutes = current_app.config["APPLICANT_SIGN_IN_LINK_MINUTES"]
    token = new_token()
    link = SignInLink(
        email=email,
        token_hash=token_hash(token),
        role_slug=role_slug,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    db.session.add(link)
    db.session.flush()
    queue_email(
        actor="applicant sign-in",
        to=email,
        template="applicant_sign_in",
        context={
            "link": public_url("applicants.sign_in_link", token=token),
            "valid_minutes": minutes,
        },
        idempotency_key=f"applicant-sign-in:{link.id}",
    )


@dataclass(frozen=True)
class LinkUse:
    applicant: Applicant
    role_slug: str | None


def usable_link_email(token: str) -> str | None:
    """The address a still-usable link signs in as; None if it is unknown, used or expired."""
    link = db.session.scalar(select(SignInLink).where(SignInLink.token_hash == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link.email


def masked(email: str) -> str:
    """Enough of an address to recognise it as yours (a•••@example.com), not to learn it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def use_sign_in_link(token: str) -> LinkUse | None:
    """Spend a link: the first use wins, a second or late use gets None."""
    now = utcnow()
    # One conditional UPDATE, so that two clicks racing each other cannot both succeed.
    spent = rows_matched(
        update(SignInLink)
        .where(
            SignInLink.token_hash == token_hash(token),
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(used_at=now)
    )
    if spent != 1:
        return None
    link = db.session.scalars(
        select(SignInLink)
        .where(SignInLink.token_hash == token_hash(token))
        .execution_options(populate_existing=True)
    ).one()
    applicant = _applicant_for(link.email)
    applicant.last_sign_in_at = now
    record_event(
        actor=None,
        actor_label=applicant_label(applicant),
        action="applicant.signed_in",
        object_type="applicant",
        object_id=applicant.id,
    )
    return LinkUse(applicant=applicant, role_slug=link.role_slug)


def _applicant_for(email: str) -> Applicant:
    found = db.session.scalar(select(Applicant).where(Applicant.email == email))
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            applicant = Applicant(email=email)
            db.session.add(applicant)
    except IntegrityError:
        # Two links for one new address used at the same moment: the other made the row.
        return db.session.scalars(select(Applicant).where(Applicant.email == email)).one()
    return applicant


def session_timeouts() -> Timeouts:
    """An applicant session's time limits, as configured now. The idle timer is refreshed
    once a minute, or each tenth of the idle time if that is shorter (as tests set it)."""
    config = current_app.config
    idle = timedelta(minutes=config["APPLICANT_IDLE_TIMEOUT_MINUTES"])
    return Timeouts(
        idle=idle,
        lifetime=timedelta(hours=config["APPLICANT_SESSION_MAX_HOURS"]),
        touch_every=min(timedelta(minutes=1), idle / 10),
    )


def applicant_id_of_session(token: str) -> int | None:
    """Whose session a cookie's token names, live or not (to keep what they typed)."""
    return db.session.scalar(
        select(ApplicantSession.applicant_id).where(
            ApplicantSession.token_hash == token_hash(token)
        )
    )
