"""Name-blind review: the one rule every staff page uses for who applied, and for the CV.

While an application is New or In sift (``NAME_BLIND``), nobody who reviews it sees the
candidate's name, contact details, age, address or schools, HR included. An HR user who needs
them (to phone someone about their eligibility, say) reveals them with an explicit, audited
action; that reveal lasts for that user and that application only. Past the sift, everyone who
may see the application sees who applied.

A CV usually names its writer, so during the sift it follows ``SIFT_CV_ACCESS``: "none" (no
CV, unless the HR user has revealed the candidate) or "neutral-name". Staff always download a
CV under a neutral name, ``cv-<reference>.<ext>``, never the applicant's own file name.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import User
from tracker.accounts.permissions import Permission, can
from tracker.applications.models import Application
from tracker.applications.states import NAME_BLIND
from tracker.audit.models import AuditEvent
from tracker.audit.services import record_event
from tracker.catalogue.models import Role
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.refusals import Refused
from tracker.screening.models import IdentityReveal

CV_NONE = "none"
CV_NEUTRAL_NAME = "neutral-name"


REVEAL_ACTION = "application.identity_revealed"
SEARCH_ACTION = "candidates.searched"
REASON_REMOVED = "(removed with the applicant's personal data)"


class RevealError(Refused):
    """A reveal that cannot be made, with a message for the member of staff."""


def is_name_blind(application: Application) -> bool:
    return application.status in NAME_BLIND


def may_reveal(user: User) -> bool:
    """Only HR may ever see who a candidate is during the sift; hiring managers cannot."""
    return can(user, Permission.VIEW_CANDIDATE_IDENTITY)


def reveal_for(user: User, application: Application) -> IdentityReveal | None:
    """This user's reveal of this application's candidate, if they made one."""
    return db.session.scalar(
        select(IdentityReveal).where(
            IdentityReveal.application_id == application.id,
            IdentityReveal.user_id == user.id,
        )
    )


def shows_identity(user: User, application: Application) -> bool:
    """Whether this user may see the candidate's name, contact details, age and address."""
    if not is_name_blind(application):
        return True
    return may_reveal(user) and reveal_for(user, application) is not None


def shown_among(user: User, applications: list[Application]) -> set[int]:
    """The ids of those applications whose candidate this user may see (as shows_identity
    answers for each), with one look-up of the user's reveals for the lot."""
    blind = [a.id for a in applications if is_name_blind(a)]
    revealed: set[int] = set()
    if blind and may_reveal(user):
        revealed = set(
            db.session.scalars(
                select(IdentityReveal.application_id).where(
                    IdentityReveal.user_id == user.id, IdentityReveal.application_id.in_(blind)
                )
            )
        )
    return {a.id for a in applications if not is_name_blind(a) or a.id in revealed}


def may_download_cv(user: User, application: Application) -> bool:
    """During the sift: only under ``SIFT_CV_ACCESS=neutral-name``, or to an HR user who
    revealed the candidate (who then knows who wrote it anyway)."""
    if current_app.config["SIFT_CV_ACCESS"] == CV_NEUTRAL_NAME:
        return True
    return shows_identity(user, application)


def page_context(user: User, application: Application) -> dict:
    """What the candidate's page shows of who applied, with one look-up of the user's reveal:
    as shows_identity and may_download_cv answer, for the template."""
    blind = is_name_blind(application)
    hr = may_reveal(user)
    reveal = reveal_for(user, application) if hr else None
    shown = not blind or reveal is not None
    return {
        "name_blind": blind,
        "may_reveal": hr,
        "reveal": reveal,
        "show_identity": shown,
        "cv_available": shown or current_app.config["SIFT_CV_ACCESS"] == CV_NEUTRAL_NAME,
    }


def cv_download_name(application: Application) -> str:
    """``cv-<reference>.<ext>``: the stored file's type, never the applicant's file name.

    :raise ValueError: when the application has no CV.
    """
    if application.cv is None:
        raise ValueError(f"Application {application.id} has no CV")
    extension = application.cv.storage_name.rsplit(".", 1)[-1].lower()
    return f"cv-{application.reference}.{extension}"


def reveal_identity(*, actor: User, application: Application, reason: str) -> IdentityReveal:
    """Show ``actor`` who applied, for this application only, and audit it with the reason.

    :raise RevealError: when the actor is not HR, the application is no longer name-blind,
        the actor already revealed it, or no reason is given.
    """
    if not may_reveal(actor):
        raise RevealError("Only HR can see who a candidate is during the sift")
    if not is_name_blind(application):
        raise RevealError(f"{application.reference} is through the sift: its details are shown")
    if reveal_for(actor, application) is not None:
        raise RevealError(f"You have already revealed who applied for {application.reference}")
    reason = (reason or "").strip()
    if not reason:
        raise RevealError("Enter why you need the candidate's name and contact details")
    reveal = IdentityReveal(
        application_id=application.id,
        user_id=actor.id,
        revealed_at=utcnow(),
        reason=reason,
    )
    try:
        # A savepoint: a second tab's reveal racing this one is a message, not a 500.
        with db.session.begin_nested():
            db.session.add(reveal)
    except IntegrityError as error:
        raise RevealError(
            f"You have already revealed who applied for {application.reference}"
        ) from error
    record_event(
        actor=actor,
        action=REVEAL_ACTION,
        object_type="application",
        object_id=application.id,
        details={
            "reference": application.reference,
            "status": application.status.value,
            "reason": reason,
        },
    )
    return reveal


def record_search(*, actor: User, role: Role, results: int, name_blind: int) -> None:
    """Audit an HR search by name or email that found candidates who are name-blind: it
    tells the searcher who is behind a reference, as a reveal does. The search text is left
    out, as it is usually a name."""
    record_event(
        actor=actor,
        action=SEARCH_ACTION,
        object_type="role",
        object_id=role.id,
        details={"results": results, "name_blind": name_blind},
    )


def forget_reveals(application_ids: list[int]) -> None:
    """Remove what staff wrote about why they revealed these applicants (for anonymisation and
    erasure); the audit log keeps that a reveal happened, by whom and when, without the reason."""
    db.session.execute(
        delete(IdentityReveal).where(IdentityReveal.application_id.in_(application_ids))
    )
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == REVEAL_ACTION,
            AuditEvent.object_type == "application",
            AuditEvent.object_id.in_([str(i) for i in application_ids]),
        )
    )
    for event in events:
        event.details = {**(event.details or {}), "reason": REASON_REMOVED}
