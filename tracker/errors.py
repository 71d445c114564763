"""Error pages in the service's own design. A failed request rolls its transaction back."""

from __future__ import annotations

from itertools import chain

from flask import Flask, abort, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.audit.denials import record_denied
from tracker.extensions import db

_TEMPLATES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    500: "errors/500.html",
}


def _refuse_nul_bytes():
    """No form or address in this service takes a NUL character; PostgreSQL cannot store one."""
    # Every value of a repeated field too (the date's three boxes share one name).
    values = [
        *chain.from_iterable(request.args.listvalues()),
        *chain.from_iterable(request.form.listvalues()),
        request.path,
    ]
    if any("\x00" in value for value in values):
        abort(400, description="The request contained a character that is not allowed.")


def register_error_handlers(app: Flask) -> None:
    app.before_request(_refuse_nul_bytes)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            record_denied(error.description or "")
        template = _TEMPLATES.get(error.code or 500, "errors/generic.html")
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Nothing half-done may be committed by a later step of this request.
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return render_template("errors/500.html", error=InternalServerError()), 500
