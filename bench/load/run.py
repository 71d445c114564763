"""`make load`: simulated applicants against a production-like stack started for the run.

Run: .venv/bin/python -m bench.load [--users 200] [--seconds 60] [--pause 1 3]
Starts the stack (bench/load/stack.py), runs Locust headless in this process for ``--seconds``
(people in the middle of an application then finish it, for at most ``--finish-seconds``),
waits for the outbox to send what was queued, prints the report (bench/load/report.py) and
removes the stack. Exits 1 when a target is missed, 2 when the stack could not start,
130 when stopped by Ctrl-C or SIGTERM (the stack is removed all the same).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
import urllib.request

import gevent
import psycopg
from locust.env import Environment

from bench.load.journey import Applicant, Plan
from bench.load.report import Mail, outcome, print_report, rows_for
from bench.load.stack import Stack, wait_for

ROLE_LINK = re.compile(r'href="/roles/([a-z0-9-]+)"')


def _role_slugs(base_url: str) -> list[str]:
    with urllib.request.urlopen(base_url + "/roles", timeout=30) as response:
        slugs = sorted(set(ROLE_LINK.findall(response.read().decode())))
    if not slugs:
        raise RuntimeError("the roles page lists no roles: was the catalogue loaded?")
    return slugs


def _outbox(database_url: str) -> dict[str, int]:
    """How many emails the outbox holds, by status."""
    with psycopg.connect(database_url.replace("+psycopg", "", 1)) as conn:
        found = conn.execute("SELECT status, count(*) FROM email GROUP BY status").fetchall()
    return {str(status): count for status, count in found}


def _outbox_empty(database_url: str) -> bool:
    statuses = _outbox(database_url)
    return not statuses.get("pending") and not statuses.get("sending")


def _progress(runner, started: float) -> None:
    while True:
        gevent.sleep(10)
        total = runner.stats.total
        print(
            f"  {time.monotonic() - started:5.0f} s  users {runner.user_count:4d}  "
            f"requests {total.num_requests:6d}  errors {total.num_failures:4d}  "
            f"now {total.current_rps:6.1f} req/s",
            flush=True,
        )


def _wait_for_everyone(runner, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while runner.user_count and time.monotonic() < deadline:
        gevent.sleep(0.2)


def drive(stack: Stack, args) -> tuple[object, Plan, float]:
    """Run the people against the stack; Locust's statistics, the tally and the time taken."""
    plan = Plan(
        mail_folder=stack.mail_folder,
        role_slugs=_role_slugs(stack.base_url),
        pause=(args.pause[0], args.pause[1]),
        browse_share=args.browse_share,
    )
    Applicant.plan = plan
    Applicant.host = stack.base_url
    env = Environment(user_classes=[Applicant], host=stack.base_url)
    runner = env.create_local_runner()
    started = time.monotonic()
    # Phones arriving over the first few seconds, as a shared link spreads, not all at once.
    runner.start(args.users, spawn_rate=max(1.0, args.users / args.ramp_seconds))
    progress = gevent.spawn(_progress, runner, started)
    try:
        gevent.sleep(args.seconds)
        plan.time_up.set()
        _wait_for_everyone(runner, args.finish_seconds)
        # Those still busy stop at their next page, never in the middle of a request: one
        # cut off mid-submit would leave a confirmation the report could not account for.
        plan.everyone_out.set()
        _wait_for_everyone(runner, Applicant.network_timeout + 5)
        elapsed = time.monotonic() - started
    finally:
        progress.kill()
        runner.quit()
    return env.stats, plan, elapsed


def measure(args) -> tuple[object, int]:
    """One run from start to teardown: the outcome, and the exit status."""
    setting = "gunicorn.conf.py defaults" + "".join(
        f", {name}={os.environ[name]}" for name in GUNICORN_SETTINGS if os.environ.get(name)
    )
    with Stack(keep_folder=args.keep) as stack:
        print(
            f"stack up at {stack.base_url}, database {stack.database}, folder {stack.folder}",
            flush=True,
        )
        stats, plan, elapsed = drive(stack, args)
        try:
            wait_for(
                lambda: _outbox_empty(stack.database_url),
                timeout=args.finish_seconds,
                what="the outbox to send every email queued",
            )
        except RuntimeError as error:
            plan.problems.append(str(error))
        time.sleep(2)  # a doubled send would land after its first: give it time to
        plan.outbox = _outbox(stack.database_url)
        result = outcome(stats, plan, Mail.read(stack.mail_folder), elapsed)
    print_report(result, plan, users=args.users, seconds=elapsed, setting=setting)
    return result, (0 if result.met else 1)


GUNICORN_SETTINGS = ("WEB_CONCURRENCY", "GUNICORN_THREADS")


def parse(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--ramp-seconds", type=float, default=10)
    parser.add_argument("--finish-seconds", type=float, default=120)
    parser.add_argument("--pause", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"))
    parser.add_argument(
        "--browse-share", type=float, default=0.25, help="the share of visits that only browse"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the logs and mail folder after the run"
    )
    return parser.parse_args(argv)


def rows(quick: bool = False) -> list[dict]:
    """The issue table's load row: 200 users for 60 s, or 20 for 20 s when quick."""
    args = parse(["--users", "20", "--seconds", "20"] if quick else [])
    result, _ = measure(args)
    return rows_for(result, users=args.users, seconds=args.seconds)


def _stop_on_sigterm() -> None:
    # As Ctrl-C does: the main greenlet gets KeyboardInterrupt, and Stack removes everything.
    main = gevent.getcurrent()
    gevent.signal_handler(signal.SIGTERM, lambda: main.throw(KeyboardInterrupt))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    _stop_on_sigterm()
    try:
        _, status = measure(args)
    except KeyboardInterrupt:
        print("stopped: the stack has been removed", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    return status
