"""The web server's settings come from gunicorn.conf.py, which reads the usual variables.

Each test loads the file the way gunicorn does (its own command-line parser and loader), so
a misspelt setting name would show up as gunicorn's default here.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

ROOT = Path(__file__).resolve().parents[1]
CONF = ROOT / "gunicorn.conf.py"
VARIABLES = (
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_BIND",
    "GUNICORN_LOG_LEVEL",
    "GUNICORN_CONTROL_SOCKET",
    "GUNICORN_CMD_ARGS",
    "PORT",
)


@pytest.fixture
def gunicorn_settings(monkeypatch):
    """gunicorn's resolved settings for the image's command, under the given environment."""

    def load(**environ: str):
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", dockerfile_command())
        monkeypatch.setattr(sys, "path", list(sys.path))  # gunicorn adds its chdir
        monkeypatch.chdir(ROOT)
        monkeypatch.delitem(sys.modules, "__config__", raising=False)
        return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg

    return load


def dockerfile_command() -> list[str]:
    """The image's CMD, as gunicorn's argv."""
    line = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    )
    return shlex.split(line.removeprefix("CMD").strip().strip("[]").replace(",", " "))


def test_the_image_runs_gunicorn_with_the_config_file_and_nothing_hard_coded():
    command = dockerfile_command()

    assert command == ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]


def test_the_image_listens_on_port_8000_of_every_interface(gunicorn_settings):
    image_environment = (ROOT / "Dockerfile").read_text().split("ENV PYTHONPATH=/app", 1)[1]

    assert "PORT=8000" in image_environment.split("\n\n", 1)[0]
    assert gunicorn_settings(PORT="8000").bind == ["0.0.0.0:8000"]


def test_the_defaults_suit_the_image(gunicorn_settings):
    settings = gunicorn_settings()

    # Started by hand outside the image, gunicorn stays on this machine.
    assert settings.bind == ["127.0.0.1:8000"]
    # Chosen by `make load` (docs/performance.md): two processes of four threads.
    assert settings.workers == 2
    assert settings.threads == 4
    assert settings.worker_class_str == "gthread"
    assert settings.timeout == 120
    assert settings.graceful_timeout == 30
    assert settings.keepalive == 5
    assert settings.max_requests == 0
    assert settings.accesslog == "-"
    assert settings.loglevel == "info"
    assert settings.control_socket_disable is True


def test_the_usual_variables_set_processes_threads_timeouts_and_the_port(gunicorn_settings):
    settings = gunicorn_settings(
        WEB_CONCURRENCY="5",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="300",
        GUNICORN_GRACEFUL_TIMEOUT="45",
        GUNICORN_KEEPALIVE="75",
        GUNICORN_MAX_REQUESTS="1000",
        GUNICORN_LOG_LEVEL="WARNING",
        PORT="9000",
    )

    assert settings.bind == ["0.0.0.0:9000"]
    assert settings.workers == 5
    assert settings.threads == 4
    assert settings.worker_class_str == "gthread"  # gunicorn's threaded worker
    assert settings.timeout == 300
    assert settings.graceful_timeout == 45
    assert settings.keepalive == 75
    assert (settings.max_requests, settings.max_requests_jitter) == (1000, 100)
    assert settings.loglevel == "warning"


def test_an_explicit_bind_and_control_socket_are_used_as_given(gunicorn_settings, tmp_path):
    socket = str(tmp_path / "gunicorn.ctl")
    settings = gunicorn_settings(
        GUNICORN_BIND="127.0.0.1:8001 [::1]:8001", PORT="9000", GUNICORN_CONTROL_SOCKET=socket
    )

    assert settings.bind == ["127.0.0.1:8001", "[::1]:8001"]
    assert settings.control_socket == socket
    assert settings.control_socket_disable is False


def test_gunicorn_cmd_args_still_win_over_the_file(gunicorn_settings):
    settings = gunicorn_settings(WEB_CONCURRENCY="5", GUNICORN_CMD_ARGS="--workers 2")

    assert settings.workers == 2


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"WEB_CONCURRENCY": "three"}, "WEB_CONCURRENCY must be a whole number of at least 1"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be a whole number of at least 1"),
        ({"GUNICORN_TIMEOUT": "-5"}, "GUNICORN_TIMEOUT must be a whole number"),
        ({"PORT": "http"}, "PORT must be a whole number"),
        ({"GUNICORN_LOG_LEVEL": "loud"}, "GUNICORN_LOG_LEVEL must be one of debug, info"),
    ],
)
def test_a_value_gunicorn_cannot_use_stops_it_with_the_reason(
    gunicorn_settings, capsys, environ, complaint
):
    with pytest.raises(SystemExit) as stopped:
        gunicorn_settings(**environ)

    assert stopped.value.code == 1
    assert complaint in capsys.readouterr().err
