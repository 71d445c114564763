"""gunicorn's settings for the web process, read from the environment.

The Docker image runs ``gunicorn --config gunicorn.conf.py wsgi:app``; gunicorn executes this
file itself before it loads the app. These are the web server's own settings (processes,
threads, timeouts, the address to listen on), so they live here rather than in
tracker/config.py, which stays the only place the app reads its environment: nothing in
tracker/ imports this file. Every variable is listed in docs/configuration.md. Options given
in GUNICORN_CMD_ARGS or on the command line still win over these.
"""

from __future__ import annotations

import os

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def _whole_number(name: str, default: int, *, minimum: int) -> int:
    """The variable as a whole number, or the default when it is unset or blank."""
    text = os.environ.get(name, "").strip() or str(default)
    if not text.isdigit() or int(text) < minimum:
        # gunicorn prints this and stops, rather than starting with a guess.
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {text!r}.")
    return int(text)


def _bind() -> list[str]:
    given = os.environ.get("GUNICORN_BIND", "").split()
    if given:
        return given
    # gunicorn's own convention: PORT (which the image sets) means every interface, as a
    # container's published port is the only way in; without it, this machine only.
    if os.environ.get("PORT", "").strip():
        return [f"0.0.0.0:{_whole_number('PORT', 8000, minimum=1)}"]
    return ["127.0.0.1:8000"]


def _log_level() -> str:
    level = os.environ.get("GUNICORN_LOG_LEVEL", "").strip().lower() or "info"
    if level not in LOG_LEVELS:
        raise ValueError(f"GUNICORN_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")
    return level


bind = _bind()
# Processes. Each has its own database pool (up to 15 connections), so the default stays
# small and predictable rather than following the host's CPU count, which a container may
# not have: see "Database connections" in docs/deployment.md before raising it.
#
# Two processes of four threads (gunicorn's threaded worker, gthread), chosen by `make load`
# (docs/performance.md): a sync worker holds its process through every database and Redis
# wait, so three of them served 200 applicants at half the rate, with three times the p95;
# threads overlap those waits, and two processes use both cores without sharing a GIL.
workers = _whole_number("WEB_CONCURRENCY", 2, minimum=1)
# More than one thread per process switches gunicorn to its threaded worker (gthread).
threads = _whole_number("GUNICORN_THREADS", 4, minimum=1)
# Long enough for a very large Excel export (100,000 rows take about 30 s).
timeout = _whole_number("GUNICORN_TIMEOUT", 120, minimum=1)
# Time a worker has to finish its requests on a restart or shutdown before it is killed.
graceful_timeout = _whole_number("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
# Seconds to hold an idle keep-alive connection (threaded workers; sync workers close).
keepalive = _whole_number("GUNICORN_KEEPALIVE", 5, minimum=0)
# Restart a worker after this many requests (0: never), spread out so they do not all
# restart at once.
max_requests = _whole_number("GUNICORN_MAX_REQUESTS", 0, minimum=0)
max_requests_jitter = max_requests // 10

accesslog = "-"
errorlog = "-"
loglevel = _log_level()

# Workers' heartbeat files in memory: on a container's overlay filesystem a slow write can
# make gunicorn think a worker hung and kill it. gunicorn makes them with mkstemp and unlinks
# them at once, so a shared folder is safe.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY

# gunicorn's control socket (for gunicornc) lives under $HOME by default, which the image's
# user does not have: only open one when asked for, at the path given.
control_socket_path = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if control_socket_path:
    control_socket = control_socket_path
else:
    control_socket_disable = True
