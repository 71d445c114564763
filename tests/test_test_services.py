"""`make test` needs no PostgreSQL or Redis running: it starts private ones, and removes them.

scripts/with-test-services.sh is what `make test` runs pytest through. Here it is pointed at
ports where nothing listens (as on a fresh machine), runs a small part of the suite, and must
leave no server and no folder behind.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import services

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "with-test-services.sh"
GIVEN = ("TEST_POSTGRES_URL", "TEST_REDIS_URL", "DATABASE_URL", "REDIS_URL")
SHOW_URLS = 'echo "postgres=$TEST_POSTGRES_URL redis=$TEST_REDIS_URL"'

needs_server_programs = pytest.mark.skipif(
    not (
        shutil.which("redis-server")
        and (glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb"))
    ),
    reason="starting private servers needs PostgreSQL's initdb and redis-server installed",
)


def dead_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def run(command: str, **environ: str) -> subprocess.CompletedProcess:
    """The script running ``command`` (a shell line), with none of the suite's services given."""
    env = {name: value for name, value in os.environ.items() if name not in GIVEN}
    return subprocess.run(
        ["bash", str(SCRIPT), "sh", "-c", command],
        cwd=ROOT,
        env=env | environ,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def urls(output: str) -> dict[str, str]:
    line = next(line for line in output.splitlines() if line.startswith("postgres="))
    return dict(part.split("=", 1) for part in line.split())


@pytest.fixture
def scratch():
    """TMPDIR for the script: under /tmp and open to all, so the postgres user reaches it."""
    folder = Path(tempfile.mkdtemp(prefix="services-test-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow  # servers of its own
@needs_server_programs
def test_with_nothing_running_it_starts_private_servers_runs_the_tests_and_removes_them(
    scratch,
):
    tests = f"{sys.executable} -m pytest tests/test_config.py -q -p no:cacheprovider -k proxy"

    result = run(
        f"{SHOW_URLS}; {tests}",
        TEST_SERVICES_POSTGRES_PORT=str(dead_port()),
        TEST_SERVICES_REDIS_PORT=str(dead_port()),
        TMPDIR=str(scratch),
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "3 passed" in result.stdout  # against the private servers, migrations and all
    used = urls(result.stdout)
    postgres_port, redis_port = urlsplit(used["postgres"]).port, urlsplit(used["redis"]).port
    assert f"on 127.0.0.1:{postgres_port} (deleted afterwards)" in result.stdout
    assert f"on 127.0.0.1:{redis_port} (deleted afterwards)" in result.stdout
    # Gone afterwards: nothing listens there, and their folder is deleted.
    assert not listening(postgres_port)
    assert not listening(redis_port)
    assert not list(scratch.glob("tracker-test-services.*"))


@pytest.mark.slow  # servers of its own
@needs_server_programs
def test_the_commands_exit_status_is_kept_and_the_servers_still_removed(scratch):
    result = run(
        f"{SHOW_URLS}; exit 3",
        TEST_SERVICES_POSTGRES_PORT=str(dead_port()),
        TEST_SERVICES_REDIS_PORT=str(dead_port()),
        TMPDIR=str(scratch),
    )

    assert result.returncode == 3, result.stderr
    used = urls(result.stdout)
    assert not listening(urlsplit(used["postgres"]).port)
    assert not listening(urlsplit(used["redis"]).port)
    assert not list(scratch.glob("tracker-test-services.*"))


def test_servers_already_running_are_used_as_they_are(scratch):
    # The suite's own servers are running now, wherever they are.
    postgres, redis = urlsplit(services.POSTGRES_ADMIN_URL), urlsplit(services.TEST_REDIS_URL)
    if postgres.hostname != "127.0.0.1" or redis.hostname != "127.0.0.1":
        pytest.skip("the suite's servers are not on 127.0.0.1")

    result = run(
        SHOW_URLS,
        TEST_SERVICES_POSTGRES_PORT=str(postgres.port or 5432),
        TEST_SERVICES_REDIS_PORT=str(redis.port or 6379),
        TMPDIR=str(scratch),
    )

    assert result.returncode == 0, result.stderr
    assert "started a private one" not in result.stdout
    assert urls(result.stdout) == {
        "postgres": f"postgresql://postgres@127.0.0.1:{postgres.port or 5432}/postgres",
        "redis": f"redis://127.0.0.1:{redis.port or 6379}/15",
    }
    assert list(scratch.iterdir()) == []


def test_database_url_and_redis_url_are_used_when_given(scratch):
    code = "from tests import services; print(services.POSTGRES_ADMIN_URL, services.TEST_REDIS_URL)"
    show = f"{sys.executable} -c '{code}'"

    result = run(
        show,
        DATABASE_URL="postgres://tracker:secret@db.internal:5433/tracker",
        REDIS_URL="redis://cache.internal:6380/0",
        TEST_SERVICES_POSTGRES_PORT=str(dead_port()),
        TEST_SERVICES_REDIS_PORT=str(dead_port()),
        TMPDIR=str(scratch),
        PYTHONPATH=str(ROOT),
    )

    assert result.returncode == 0, result.stderr
    assert "started a private one" not in result.stdout
    # The tests make their own databases on that server, and use (and empty) Redis database 15.
    assert result.stdout.splitlines()[-1] == (
        "postgresql://tracker:secret@db.internal:5433/tracker redis://cache.internal:6380/15"
    )
    assert list(scratch.iterdir()) == []
