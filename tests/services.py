"""Where the tests' PostgreSQL and Redis live, and a check that names what is missing."""

from __future__ import annotations

import os

import psycopg
import redis

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def missing_services() -> list[str]:
    """A line per service the suite needs but cannot reach, saying how to start it."""
    missing = []
    try:
        psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        missing.append(
            f"PostgreSQL at {POSTGRES_ADMIN_URL} ({str(exc).strip().splitlines()[0]}). Start it "
            "with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, "
            "or set TEST_POSTGRES_URL."
        )
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        missing.append(
            f"Redis at {TEST_REDIS_URL} ({exc}). Start it with: redis-server --daemonize yes "
            '--bind 127.0.0.1 --port 6379 --save "" --appendonly no, or set TEST_REDIS_URL.'
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
