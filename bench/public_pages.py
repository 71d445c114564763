"""Public pages under production gunicorn, beside a bare Flask "hello" app, in one run.

Run: .venv/bin/python bench/public_pages.py [--quick]

It makes a PostgreSQL database of its own, loads the default catalogue, then starts two
gunicorns on loopback ports with the same options (gunicorn.conf.py, 2 sync workers): the
service (TRACKER_ENV=production, Redis at TEST_REDIS_URL, behind a TLS proxy as deployed:
PROXY_FIX_HOPS=1 and X-Forwarded-Proto: https) and bench/hello_app.py. wrk (-t2 -c16) loads
each public page as an anonymous visitor (the pages come from the page cache: a first run
fills it) and the hello page in turns, three times 5 s each. Everything is torn down at the
end.

Each page is reported as a ratio to the hello app's mean over the turns beside its own: with
other work on the machine both move together, the ratio much less.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_ENV", "test")

from tests import services  # noqa: E402

PAGES = {
    "/": "home",
    "/roles": "roles list",
    "/roles?track=data-analysis&level=4": "roles list, filtered",
    "/roles/data-analyst-apprentice": "a role page",
}
TARGET = 0.5
WORKERS = 2
CONNECTIONS = 16
ROUNDS = 3
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start ({process.returncode}): see its log")
        try:
            request = urllib.request.Request(url, headers=PROXY)
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path) -> Iterator[str]:
    """The app under gunicorn as deployed (gunicorn.conf.py), with 2 sync workers."""
    port = _free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--threads",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        app,
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/", process)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _check_cached(url: str) -> None:
    """The page is the cache's: only a kept page has an ETag, answered with 304."""
    with urllib.request.urlopen(urllib.request.Request(url, headers=PROXY), timeout=10) as response:
        etag = response.headers["ETag"]
    if not etag:
        raise RuntimeError(f"{url} was not served from the page cache")
    again = urllib.request.Request(url, headers=PROXY | {"If-None-Match": etag})
    try:
        urllib.request.urlopen(again, timeout=10).close()
    except urllib.error.HTTPError as answer:
        if answer.code == 304:
            return
    raise RuntimeError(f"{url} did not answer 304 to its own ETag")


def wrk(url: str, seconds: int) -> float:
    """Requests per second wrk reaches; refuses a run with errors or non-2xx answers."""
    headers = [arg for name, value in PROXY.items() for arg in ("-H", f"{name}: {value}")]
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", *headers, url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors for {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def _tracker_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "REDIS_URL": services.TEST_REDIS_URL,
        "PUBLIC_BASE_URL": "https://apprenticeships.bench.example",
        "PROXY_FIX_HOPS": "1",
        "EMAIL_BACKEND": "smtp",
        "GUNICORN_LOG_LEVEL": "warning",
    }


def _load_catalogue(database_url: str) -> None:
    from flask_migrate import upgrade

    from tracker import clock, create_app
    from tracker.catalogue.schema import parse_catalogue
    from tracker.catalogue.services import load_catalogue
    from tracker.extensions import db
    from tracker.page_cache import forget_shared_pages

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": services.TEST_REDIS_URL}
    )
    with app.app_context():
        upgrade()
        path = app.config["CATALOGUE_FILE"]
        text = Path(path).read_text(encoding="utf-8")
        load_catalogue(document=parse_catalogue(text, source=path, today=clock.today()))
        db.session.commit()
        forget_shared_pages()
        db.engine.dispose()


def _row(what: str, rate: float, hello: float) -> dict:
    ratio = rate / hello
    return {
        "what": f"public page: {what}, gunicorn {WORKERS} sync workers, wrk -c{CONNECTIONS}",
        "measured": f"{rate:,.0f} req/s",
        "limit": f'bare Flask "hello" under the same gunicorn: {hello:,.0f} req/s',
        "ratio": round(ratio, 3),
        "target": f"≥ {TARGET:.0%}",
        "met": ratio >= TARGET,
    }


def rows(quick: bool = False) -> list[dict]:
    """One row per public page, each beside the hello app measured in this same run."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    seconds = 2 if quick else 5
    name = f"tracker_bench_{uuid.uuid4().hex[:8]}"
    database_url = services.create_database(name)
    logs = ROOT / "instance" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        _load_catalogue(database_url)
        with ExitStack() as running:
            hello_base = running.enter_context(
                gunicorn("bench.hello_app:app", dict(os.environ), logs / "hello.log")
            )
            tracker_env = _tracker_env(database_url)
            base = running.enter_context(gunicorn("wsgi:app", tracker_env, logs / "tracker.log"))
            wrk(f"{hello_base}/", 1)  # warm up
            found = []
            for path, label in PAGES.items():
                wrk(f"{base}{path}", 1)  # fill the cache (both workers), warm up
                _check_cached(f"{base}{path}")
                # The page and the hello app in turns, a few times, so that both see the same
                # machine: another's load moves them together, and the ratio far less.
                rate = hello = 0.0
                for _ in range(ROUNDS):
                    rate += wrk(f"{base}{path}", seconds) / ROUNDS
                    hello += wrk(f"{hello_base}/", seconds) / ROUNDS
                found.append(_row(f"{label} (`{path}`)", rate, hello))
            return found
    finally:
        services.drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2 s turns instead of 5 s")
    args = parser.parse_args()
    print("| what | measured | limit | ratio | target | met |")
    print("| --- | ---: | --- | ---: | --- | --- |")
    for row in rows(quick=args.quick):
        print(
            f"| {row['what']} | {row['measured']} | {row['limit']} | {row['ratio']:.1%} "
            f"| {row['target']} | {'yes' if row['met'] else 'no'} |"
        )


if __name__ == "__main__":
    main()
