"""The development mailbox's files, forgotten with the people they were sent to.

The local backend keeps every email it 'sends' as a .eml file that the dev mailbox pages
show. Those copies are personal data held on the server like any other, so erasure and
retention remove them too: personal_data.py names the addresses and outbox rows it is
forgetting, and this module finds the files. The files go only after the commit that forgets
the rows, as uploaded CVs do (applications/storage.py): a rolled-back erasure keeps them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.notifications.backends import mailbox_folder, message_id_for

log = logging.getLogger(__name__)
_PENDING = "mailbox_messages_to_forget"


def messages(folder: Path) -> list[Path]:
    """The mailbox's messages, newest first (their names start with the time sent)."""
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.eml"), reverse=True)


def read(path: Path):
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def _headers(path: Path) -> tuple[set[str], str]:
    """The message's recipients (lower case) and its Message-ID."""
    with path.open("rb") as handle:
        parsed = BytesParser(policy=policy.default).parse(handle, headersonly=True)
    recipients = {
        address.lower()
        for header in ("To", "Cc", "Bcc")
        for _, address in getaddresses([str(value) for value in parsed.get_all(header, [])])
    }
    return recipients, str(parsed.get("Message-ID", "")).strip()


def forget(folder: Path, *, addresses: Iterable[str], message_ids: Iterable[str]) -> int:
    """Delete the messages sent to any of the addresses or with any of the Message-IDs (the
    outbox rows they were sent from). Returns how many went."""
    addresses = {a.strip().lower() for a in addresses if a and a.strip()}
    message_ids = set(message_ids)
    removed = 0
    for path in messages(folder):
        try:
            recipients, message_id = _headers(path)
            if recipients & addresses or message_id in message_ids:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # already gone: forgotten twice, or removed by hand
        except OSError:
            log.exception("Could not forget mailbox message %s", path.name)
    return removed


def forget_after_commit(*, addresses: Iterable[str], email_ids: Iterable[int]) -> None:
    """Once this transaction commits, delete the dev mailbox's copies of emails to these
    addresses or sent from these outbox rows. Nothing happens if it rolls back."""
    db.session.info.setdefault(_PENDING, []).append(
        (mailbox_folder(), list(addresses), [message_id_for(i) for i in email_ids])
    )


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for folder, addresses, message_ids in session.info.pop(_PENDING, []):
        forget(folder, addresses=addresses, message_ids=message_ids)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def init_mailbox_forgetting() -> None:
    listeners = (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback))
    for name, listener in listeners:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
