"""The load run's mail server: an SMTP sink on loopback that files each message it accepts.

Run: python -m bench.load.smtp_sink PORT FOLDER (bench/load/stack.py starts it).

A process of its own, like the rest of the stack, so that the load driver's event loop (gevent)
and aiosmtpd's (asyncio) never share a thread. Each message is written to
FOLDER/<recipient>/<number>.eml, whole or not at all (written aside, then renamed), so that a
simulated applicant can read the sign-in link sent to its own address and the report can count
confirmations per address afterwards.
"""

from __future__ import annotations

import itertools
import re
import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

_UNSAFE = re.compile(r"[^a-z0-9@._+-]")


def mailbox_name(address: str) -> str:
    """The folder an address's messages go to: the address, lower case, safe as a file name."""
    return _UNSAFE.sub("_", address.strip().lower())


class FilingHandler:
    def __init__(self, folder: Path):
        self.folder = folder
        self.numbers = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        number = next(self.numbers)
        for recipient in envelope.rcpt_tos:
            box = self.folder / mailbox_name(recipient)
            box.mkdir(exist_ok=True)
            partial = box / f".{number}.tmp"
            partial.write_bytes(envelope.original_content or envelope.content)
            partial.rename(box / f"{number}.eml")
        return "250 Message accepted for delivery"


def main(port: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    controller = Controller(FilingHandler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    print(f"smtp sink listening on 127.0.0.1:{port}, filing into {folder}", flush=True)
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
