"""The refusal every applicant's verb raises: the drafts, the submission and the answer to an
offer (tracker/offers/services.py)."""

from __future__ import annotations

from tracker.refusals import Refused


class ApplicationError(Refused):
    """A request that cannot be done, with a message to show the applicant."""
