"""Error pages in the service's own design. A failed request rolls its transaction back."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker.extensions import db

_TEMPLATES = {404: "errors/404.html", 500: "errors/500.html"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = _TEMPLATES.get(error.code or 500, "errors/generic.html")
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Nothing half-done may be committed by a later step of this request.
        db.session.rollback()
        app.logger.exception("Unhandled error", exc_info=error)
        return render_template("errors/500.html", error=InternalServerError()), 500
