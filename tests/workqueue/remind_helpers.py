"""Reminding candidates to book goes through a confirmation page: post the choice, check the
page lists them and shows the email, then say "Yes" for exactly the candidates it listed."""

from __future__ import annotations

import re

PATH = "/staff/queue/invited_not_booked"
_LISTED = re.compile(r'<input type="hidden" name="application_ids" value="(\d+)">')


def confirmation(client, csrf_token: str, **data):
    """The first post: the confirmation page (or the queue's page with an error)."""
    return client.post(f"{PATH}/remind", data={"csrf_token": csrf_token, **data})


def remind_confirmed(client, csrf_token: str, *, follow_redirects: bool = True, **data):
    """Post the choice, then confirm what the page listed; the last response. A mistake on
    the first post is that response: nothing is confirmed."""
    first = confirmation(client, csrf_token, **data)
    page = first.get_data(as_text=True)
    if 'name="confirmed" value="yes"' not in page:
        return first
    assert "The email each will be sent" in page and "data-email-subject" in page
    confirmed = {
        "csrf_token": csrf_token,
        "confirmed": "yes",
        "application_ids": _LISTED.findall(page),
    }
    if data.get("all") == "1":
        confirmed["all"] = "1"
    return client.post(f"{PATH}/remind", data=confirmed, follow_redirects=follow_redirects)
