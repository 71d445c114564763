"""Where the tests' PostgreSQL and Redis live, and a check that names what is missing."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# `make test` (scripts/with-test-services.sh) starts private servers when none is running.
HOW_TO_START = (
    "Run the tests with `make test`, which uses the servers on 127.0.0.1 or starts private "
    "ones for the run"
)


def postgres_admin_url(environ) -> str:
    """Where the tests create their databases: TEST_POSTGRES_URL, else DATABASE_URL's server."""
    if environ.get("TEST_POSTGRES_URL"):
        return environ["TEST_POSTGRES_URL"]
    database_url = environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        # libpq's spelling; any database on the server will do to create others from.
        return "postgresql://" + database_url.split("://", 1)[1]
    return DEFAULT_POSTGRES_URL


def redis_url_for_tests(environ) -> str:
    """TEST_REDIS_URL, else database 15 of REDIS_URL's server (the tests empty it)."""
    if environ.get("TEST_REDIS_URL"):
        return environ["TEST_REDIS_URL"]
    if environ.get("REDIS_URL"):
        parts = urlsplit(environ["REDIS_URL"])
        return urlunsplit(parts._replace(path="/15"))
    return DEFAULT_REDIS_URL


POSTGRES_ADMIN_URL = postgres_admin_url(os.environ)
TEST_REDIS_URL = redis_url_for_tests(os.environ)


def missing_services() -> list[str]:
    """A line per service the suite needs but cannot reach, saying how to start it."""
    missing = []
    try:
        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        missing.append(
            f"PostgreSQL at {POSTGRES_ADMIN_URL} ({str(exc).strip().splitlines()[0]}). "
            f"{HOW_TO_START}, or start it with: pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start, or set TEST_POSTGRES_URL."
        )
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        missing.append(
            f"Redis at {TEST_REDIS_URL} ({exc}). {HOW_TO_START}, or start it with: "
            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" '
            "--appendonly no, or set TEST_REDIS_URL."
        )
    return missing


def create_database(name: str) -> str:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def drop_database(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(name: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


def flush_test_redis() -> None:
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
