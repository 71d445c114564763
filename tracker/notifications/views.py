"""The development mailbox: read what the local backend 'sent'. Never registered in production."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from tracker.notifications import mailbox
from tracker.notifications.backends import mailbox_folder

bp = Blueprint("dev_mailbox", __name__, url_prefix="/_dev/mailbox")


@bp.before_request
def _only_from_this_machine():
    """The mailbox shows sign-in and invitation links: never serve it to another machine,
    even if a server was started without TRACKER_ENV and so runs as development."""
    if request.remote_addr not in ("127.0.0.1", "::1"):
        abort(404)


@bp.get("/")
def index():
    newest = mailbox.messages(mailbox_folder())[:200]
    return render_template(
        "notifications/mailbox.html", messages=[(path.name, mailbox.read(path)) for path in newest]
    )


@bp.get("/<name>")
def message(name: str):
    """:raise 404: for a name that is not a message in the mailbox folder."""
    path = next((p for p in mailbox.messages(mailbox_folder()) if p.name == name), None)
    if path is None:
        abort(404)
    parsed = mailbox.read(path)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    return render_template(
        "notifications/mailbox_message.html",
        name=name,
        message=parsed,
        text=text.get_content() if text else "",
        html=html.get_content() if html else "",
    )
