"""Uploaded files kept in step with the database transaction that records them, and sent
back as downloads.

A file is written before its row is flushed. If the transaction then rolls back, the file is
deleted, so no orphan is left; a file replaced or removed is deleted only after the commit
that forgets it, so a failed request never loses the file its row still names.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from flask import abort, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.applications import uploads
from tracker.applications.models import Application
from tracker.extensions import db

log = logging.getLogger(__name__)
_NEW = "files_written"
_OLD = "files_to_delete"


def folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def write(name: str, data: bytes) -> None:
    """Store a new file, to be removed again if this transaction rolls back."""
    uploads.save(folder(), name, data)
    db.session.info.setdefault(_NEW, []).append((folder(), name))


def delete_after_commit(name: str) -> None:
    db.session.info.setdefault(_OLD, []).append((folder(), name))


def _remove(entries) -> None:
    for directory, name in entries:
        try:
            uploads.delete(directory, name)
        except OSError:
            log.exception("Could not delete uploaded file %s", name)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_NEW, None)
    _remove(session.info.pop(_OLD, []))


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_OLD, None)
        _remove(session.info.pop(_NEW, []))


def init_storage() -> None:
    listeners = (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback))
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def send_cv(application: Application, *, download_name: str | None = None):
    """The CV as an attachment, under ``download_name`` (staff pass a neutral one) or else
    the applicant's own file name.

    :raise 404: when the application has no CV or its file is missing.
    """
    if application.cv is None:
        abort(404)
    try:
        path = uploads.path_for(folder(), application.cv.storage_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    # CVs are small (CV_MAX_BYTES): read the whole file, so no open handle outlives the request.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=application.cv.media_type,
        as_attachment=True,
        download_name=download_name or application.cv.display_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
