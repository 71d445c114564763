"""Settings come from the environment in one place; production refuses unsafe defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker import celery_tasks
from tracker.colours import contrast_ratio, text_colour_for
from tracker.config import DEFAULT_SECRET_KEY, ConfigError, celery_settings, load_settings

INSTANCE = Path("/srv/tracker/instance")
PRODUCTION = {
    "TRACKER_ENV": "production",
    "SECRET_KEY": "x" * 48,
    "DATABASE_URL": "postgres://tracker@db.internal/tracker",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "PUBLIC_BASE_URL": "https://apprenticeships.example.gov.uk",
}


def test_local_defaults_need_no_services():
    settings = load_settings({}, instance_path=INSTANCE)

    assert settings["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/tracker/instance/tracker.sqlite3"
    # The embedded broker: `make run`'s Redis server on a socket in the instance folder.
    assert celery_settings(settings["REDIS_URL"], INSTANCE)["broker_url"] == (
        "redis+socket:///srv/tracker/instance/broker/redis.sock"
    )
    assert settings["SECRET_KEY"] == DEFAULT_SECRET_KEY


def test_the_embedded_broker_listens_where_told_and_fails_as_fast_as_redis():
    settings = load_settings({"LOCAL_BROKER_SOCKET": "/run/tracker.sock"}, instance_path=INSTANCE)
    celery = celery_settings(
        settings["REDIS_URL"], INSTANCE, local_broker_socket=settings["LOCAL_BROKER_SOCKET"]
    )

    assert celery["broker_url"] == "redis+socket:///run/tracker.sock"
    assert celery["broker_transport_options"]["max_retries"] == 0


def test_database_and_redis_urls_switch_to_postgresql_and_redis():
    settings = load_settings(PRODUCTION, instance_path=INSTANCE)

    assert settings["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://tracker@db.internal/tracker"
    )
    assert celery_settings(settings["REDIS_URL"], INSTANCE)["broker_url"] == (
        "redis://cache.internal:6379/0"
    )
    assert settings["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": DEFAULT_SECRET_KEY}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must point at PostgreSQL"),
        ({"REDIS_URL": ""}, "REDIS_URL must be set"),
    ],
)
def test_production_refuses_to_start_on_unsafe_settings(override, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_settings(PRODUCTION | override, instance_path=INSTANCE)


@pytest.mark.parametrize(
    ("environ", "complaint"),
    [
        ({"TRACKER_ENV": "staging"}, "TRACKER_ENV must be one of"),
        ({"BRAND_COLOUR": "blue"}, "BRAND_COLOUR must look like"),
    ],
)
def test_settings_that_make_no_sense_are_refused_with_the_reason(environ, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_settings(environ, instance_path=INSTANCE)


def test_the_wsgi_entry_point_refuses_a_default_secret_in_production(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parents[1],
        env={"TRACKER_ENV": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_blank_variables_count_as_unset():
    settings = load_settings(
        {"COUNCIL_NAME": " ", "BRAND_COLOUR": "", "TRACKER_ENV": "", "REDIS_URL": ""},
        instance_path=INSTANCE,
    )

    assert settings["BRANDING"]["council_name"] == "Example Borough Council"
    assert settings["BRANDING"]["colour"] == "#0b0c0c"
    assert settings["TRACKER_ENV"] == "development"
    assert settings["REDIS_URL"] is None


@pytest.mark.parametrize("colour", ["#f10000", "#e0218a"])
def test_a_brand_colour_no_header_text_can_be_read_on_is_refused(colour):
    with pytest.raises(ConfigError, match="too mid-toned for legible header text"):
        load_settings({"BRAND_COLOUR": colour}, instance_path=INSTANCE)


@pytest.mark.parametrize(("colour", "text"), [("#00664f", "#ffffff"), ("#ffdd00", "#0b0c0c")])
def test_dark_and_light_brand_colours_get_legible_header_text(colour, text):
    assert load_settings({"BRAND_COLOUR": colour}, instance_path=INSTANCE)["BRANDING"]["colour"]
    assert text_colour_for(colour) == text
    assert contrast_ratio(colour, text) >= 4.5


def test_behind_a_proxy_the_app_believes_its_forwarded_headers(make_app, monkeypatch):
    monkeypatch.setenv("PROXY_FIX_HOPS", "1")
    proxied = make_app()

    @proxied.get("/scheme")
    def scheme():
        from flask import request

        return f"{request.scheme} {request.remote_addr}"

    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    body = proxied.test_client().get("/scheme", headers=headers).get_data(as_text=True)

    assert body == "https 203.0.113.9"


def test_without_a_proxy_forwarded_headers_are_ignored(make_app):
    direct = make_app()

    @direct.get("/scheme")
    def scheme():
        from flask import request

        return request.scheme

    headers = {"X-Forwarded-Proto": "https"}
    assert direct.test_client().get("/scheme", headers=headers).get_data(as_text=True) == "http"


def test_a_proxy_count_that_is_not_a_number_is_refused():
    with pytest.raises(ConfigError, match="PROXY_FIX_HOPS must be a whole number"):
        load_settings({"PROXY_FIX_HOPS": "one"}, instance_path=INSTANCE)


def test_email_goes_to_the_local_mailbox_in_development_and_smtp_elsewhere():
    assert load_settings({}, instance_path=INSTANCE)["EMAIL_BACKEND"] == "local"
    assert load_settings({"TRACKER_ENV": "test"}, instance_path=INSTANCE)["EMAIL_BACKEND"] == "smtp"
    assert load_settings(PRODUCTION, instance_path=INSTANCE)["EMAIL_BACKEND"] == "smtp"


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"EMAIL_BACKEND": "local"}, "must be smtp or notify in production"),
        ({"EMAIL_BACKEND": "pigeon"}, "EMAIL_BACKEND must be one of"),
        ({"EMAIL_BACKEND": "notify"}, "needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID"),
        ({"MAIL_PORT": "smtp"}, "MAIL_PORT must be a whole number"),
        ({"EMAIL_RETRY_BASE_SECONDS": "0"}, "must be a number of seconds above 0"),
    ],
)
def test_email_settings_that_cannot_work_are_refused(override, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_settings(PRODUCTION | override, instance_path=INSTANCE)


def test_the_redis_broker_fails_fast_and_outlasts_every_retry_delay():
    settings = load_settings(PRODUCTION, instance_path=INSTANCE)
    celery = celery_settings(settings["REDIS_URL"], INSTANCE)

    options = celery["broker_transport_options"]
    assert options["max_retries"] == 0
    assert options["visibility_timeout"] > settings["EMAIL_RETRY_MAX_SECONDS"]
    beat = celery_tasks(settings)["beat_schedule"]
    assert beat["sweep-outbox"]["task"].endswith("sweep_outbox")


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL must be the service's https address"),
        ({"PUBLIC_BASE_URL": "http://jobs.example.gov.uk"}, "https address"),
        ({"SIGN_IN_LIMIT_PER_ACCOUNT": "ten a day"}, "must read like '10 per 15 minutes'"),
    ],
)
def test_production_refuses_links_that_are_not_https_and_limits_it_cannot_read(override, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_settings(PRODUCTION | override, instance_path=INSTANCE)


@pytest.mark.parametrize(
    "address", ["http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"]
)
def test_production_on_this_machine_may_serve_plain_http_without_forcing_https(address):
    settings = load_settings(PRODUCTION | {"PUBLIC_BASE_URL": address}, instance_path=INSTANCE)

    assert settings["FORCE_HTTPS"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["PREFERRED_URL_SCHEME"] == "http"


def test_production_on_an_https_address_forces_https_and_secure_cookies():
    settings = load_settings(PRODUCTION, instance_path=INSTANCE)

    assert settings["FORCE_HTTPS"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["PREFERRED_URL_SCHEME"] == "https"


def test_development_never_forces_https():
    settings = load_settings({"PUBLIC_BASE_URL": "https://dev.example"}, instance_path=INSTANCE)

    assert settings["FORCE_HTTPS"] is False


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"PUBLIC_BASE_URL": "http://10.0.0.5:8000"}, "plain http is allowed only for localhost"),
        ({"PUBLIC_BASE_URL": "http://localhost.example.com"}, "https address"),
        ({"PUBLIC_BASE_URL": "localhost:8000"}, "https address"),
        ({"PUBLIC_BASE_URL": "ftp://localhost"}, "https address"),
        ({"SESSION_COOKIE_SECURE": "false"}, "SESSION_COOKIE_SECURE cannot be off"),
    ],
)
def test_production_refuses_plain_http_that_leaves_the_machine(override, complaint):
    with pytest.raises(ConfigError, match=complaint):
        load_settings(PRODUCTION | override, instance_path=INSTANCE)
