"""Settings, read from the environment in one place.

Every other module reads ``current_app.config``; nothing else looks at ``os.environ``.
Defaults are safe for a developer's laptop: SQLite, an embedded broker, a local secret key.
Production (``TRACKER_ENV=production``) refuses to start on any of those defaults.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from tracker import local_broker
from tracker.colours import MINIMUM_CONTRAST, is_legible_background

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production
ENVIRONMENTS = ("development", "test", "production")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class ConfigError(RuntimeError):
    """The environment describes a configuration the app must not run with."""


def _get(env: Mapping[str, str], name: str, default: str) -> str:
    """The variable's value, or the default when it is unset or blank."""
    value = env.get(name, "").strip()
    return value or default


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    text = _get(env, name, str(default))
    if not text.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {text!r}.")
    return int(text)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = _get(env, name, str(default))
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise ConfigError(f"{name} must be a number of seconds above 0, not {text!r}.")
    return value


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _redis_broker(url: str) -> dict:
    return {
        "broker_url": url,
        # Fail fast when Redis is down instead of hanging the request that enqueues.
        "broker_connection_timeout": 2,
        "broker_transport_options": {
            "visibility_timeout": 3600,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            # When publishing, kombu retries a failed connection for up to the connection
            # timeout; the outbox would rather fail at once and leave it to the sweeper.
            "max_retries": 0,
        },
    }


def celery_settings(
    redis_url: str | None,
    instance_path: Path,
    *,
    local_broker_socket: str | None = None,
) -> dict:
    """Celery's settings: Redis at REDIS_URL when set, else the embedded Redis of `make run`.

    Which tasks there are, and when beat runs them, come from the packages (tracker.domains).
    """
    # The embedded broker (tracker/local_broker.py) is a Redis server on a Unix socket,
    # instance/broker/redis.sock by default, started by `make run`; the web app, the worker
    # and any `flask` command find it from their settings, so `make run` needs no Redis.
    socket = Path(local_broker_socket or local_broker.default_socket(instance_path))
    broker = _redis_broker(redis_url or local_broker.broker_url(socket))
    return {
        **broker,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "timezone": "Europe/London",
        "enable_utc": True,
    }


EMAIL_BACKENDS = ("local", "smtp", "notify")


def _email_settings(env: Mapping[str, str], tracker_env: str, contact_email: str) -> dict:
    """Delivery backend and outbox timings. See docs/configuration.md."""
    production = tracker_env == "production"
    backend = _get(env, "EMAIL_BACKEND", "smtp" if tracker_env != "development" else "local")
    if backend not in EMAIL_BACKENDS:
        raise ConfigError(f"EMAIL_BACKEND must be one of {', '.join(EMAIL_BACKENDS)}.")
    if production and backend == "local":
        raise ConfigError("EMAIL_BACKEND must be smtp or notify in production, not local.")
    if backend == "notify" and not (env.get("NOTIFY_API_KEY") and env.get("NOTIFY_TEMPLATE_ID")):
        raise ConfigError("EMAIL_BACKEND=notify needs NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID.")
    use_ssl = _bool(env.get("MAIL_USE_SSL"), False)
    return {
        "EMAIL_BACKEND": backend,
        "MAIL_FROM": _get(env, "MAIL_FROM", contact_email),
        "MAIL_SERVER": _get(env, "MAIL_SERVER", "localhost"),
        "MAIL_PORT": _whole_number(env, "MAIL_PORT", 465 if use_ssl else 25),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": use_ssl,
        "MAIL_USERNAME": _get(env, "MAIL_USERNAME", "") or None,
        "MAIL_PASSWORD": _get(env, "MAIL_PASSWORD", "") or None,
        "MAIL_TIMEOUT": _seconds(env, "MAIL_TIMEOUT", 30),
        "NOTIFY_API_KEY": _get(env, "NOTIFY_API_KEY", "") or None,
        "NOTIFY_TEMPLATE_ID": _get(env, "NOTIFY_TEMPLATE_ID", "") or None,
        "NOTIFY_BASE_URL": _get(env, "NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        # Attempts before an email is marked failed, and the backoff between them: the delay
        # doubles from EMAIL_RETRY_BASE_SECONDS up to EMAIL_RETRY_MAX_SECONDS.
        "EMAIL_MAX_ATTEMPTS": _whole_number(env, "EMAIL_MAX_ATTEMPTS", 8),
        "EMAIL_RETRY_BASE_SECONDS": _seconds(env, "EMAIL_RETRY_BASE_SECONDS", 30),
        "EMAIL_RETRY_MAX_SECONDS": _seconds(env, "EMAIL_RETRY_MAX_SECONDS", 900),
        # The sweeper re-enqueues emails still pending this long after they were due, and
        # frees emails a worker claimed but did not finish (it died) after the claim timeout.
        "EMAIL_SWEEP_AFTER_SECONDS": _seconds(env, "EMAIL_SWEEP_AFTER_SECONDS", 120),
        "EMAIL_CLAIM_TIMEOUT_SECONDS": _seconds(env, "EMAIL_CLAIM_TIMEOUT_SECONDS", 300),
        "EMAIL_SWEEP_INTERVAL_SECONDS": _seconds(env, "EMAIL_SWEEP_INTERVAL_SECONDS", 60),
        # How long the equality report may spend proving its pages safe together; what is
        # unproven by then is hidden (every count on every page), so a page never waits on it.
        "EQUALITY_CHECK_SECONDS": _seconds(env, "EQUALITY_CHECK_SECONDS", 20),
    }


def _limit(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate limit as Flask-Limiter writes them, checked now rather than at the first request."""
    from limits import parse_many

    text = _get(env, name, default)
    try:
        parse_many(text)
    except ValueError as exc:
        raise ConfigError(f"{name} must read like '10 per 15 minutes', not {text!r}.") from exc
    return text


def _account_settings(env: Mapping[str, str], redis_url: str | None) -> dict:
    """Staff sessions, one-time links and rate limits."""
    return {
        "STAFF_IDLE_TIMEOUT_MINUTES": _whole_number(env, "STAFF_IDLE_TIMEOUT_MINUTES", 30),
        "STAFF_SESSION_MAX_HOURS": _whole_number(env, "STAFF_SESSION_MAX_HOURS", 12),
        # How long before an idle time-out (staff or applicant) the page warns and offers to
        # stay signed in (WCAG 2.2.1 asks for at least 20 seconds).
        "SESSION_TIMEOUT_WARNING_MINUTES": _whole_number(env, "SESSION_TIMEOUT_WARNING_MINUTES", 5),
        "INVITATION_VALID_DAYS": _whole_number(env, "INVITATION_VALID_DAYS", 7),
        "PASSWORD_RESET_VALID_MINUTES": _whole_number(env, "PASSWORD_RESET_VALID_MINUTES", 60),
        # Remember-me is off: closing the browser ends a staff session.
        "REMEMBER_COOKIE_DURATION": 0,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Flask-Limiter: counts live in Redis so that every web process shares them; if Redis
        # is unreachable it falls back to counting in memory rather than letting everything in.
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": "tracker-limits",
        "SIGN_IN_LIMIT_PER_ACCOUNT": _limit(env, "SIGN_IN_LIMIT_PER_ACCOUNT", "10 per 15 minutes"),
        "SIGN_IN_LIMIT_PER_IP": _limit(env, "SIGN_IN_LIMIT_PER_IP", "50 per 15 minutes"),
        "PASSWORD_RESET_LIMIT": _limit(env, "PASSWORD_RESET_LIMIT", "5 per hour"),
        "INVITATION_LIMIT": _limit(env, "INVITATION_LIMIT", "50 per hour"),
        # A panel pack's PDF takes seconds of a web worker: enough for a day a time at a time.
        "PANEL_PACK_PDF_LIMIT": _limit(env, "PANEL_PACK_PDF_LIMIT", "30 per hour"),
    }


def _application_settings(env: Mapping[str, str], instance_path: Path) -> dict:
    """The applicant journey: sign-in links, limits, uploads and reminders."""
    cv_max_bytes = _whole_number(env, "CV_MAX_MB", 5) * 1024 * 1024
    return {
        "MAX_APPLICATIONS_PER_CAMPAIGN": _whole_number(env, "MAX_APPLICATIONS_PER_CAMPAIGN", 3),
        "APPLICANT_SIGN_IN_LINK_MINUTES": _whole_number(env, "APPLICANT_SIGN_IN_LINK_MINUTES", 30),
        "APPLICANT_IDLE_TIMEOUT_MINUTES": _whole_number(env, "APPLICANT_IDLE_TIMEOUT_MINUTES", 60),
        "APPLICANT_SESSION_MAX_HOURS": _whole_number(env, "APPLICANT_SESSION_MAX_HOURS", 24),
        "APPLICANT_LINK_LIMIT_PER_EMAIL": _limit(
            env, "APPLICANT_LINK_LIMIT_PER_EMAIL", "5 per hour"
        ),
        # Generous: a whole college or school may share one address at a careers session.
        "APPLICANT_LINK_LIMIT_PER_IP": _limit(env, "APPLICANT_LINK_LIMIT_PER_IP", "500 per hour"),
        "CV_MAX_BYTES": cv_max_bytes,
        # Bigger requests are refused before they are read (a 413 page); between the CV limit
        # and this, the CV page explains the limit itself.
        "MAX_CONTENT_LENGTH": cv_max_bytes * 2,
        "UPLOAD_FOLDER": _get(env, "UPLOAD_FOLDER", str(instance_path / "uploads")),
        "ANSWER_WORD_LIMIT": _whole_number(env, "ANSWER_WORD_LIMIT", 250),
        "DRAFT_REMINDER_DAYS": _whole_number(env, "DRAFT_REMINDER_DAYS", 3),
        # Candidates waiting longer than this in a stage are highlighted (and in digests).
        "WAITING_DAYS": _whole_number(env, "WAITING_DAYS", 7),
        # The work queue: offers unanswered after this many days, and a mentor's check-ins due
        # when their last was longer ago than this.
        "OFFER_RESPONSE_DAYS": _whole_number(env, "OFFER_RESPONSE_DAYS", 5),
        "CHECK_IN_DAYS": _whole_number(env, "CHECK_IN_DAYS", 28),
        # Partners missing feedback are reminded this many days before a share's due date.
        "PARTNER_REMINDER_DAYS": _whole_number(env, "PARTNER_REMINDER_DAYS", 2),
        "LOCAL_AREA_NAME": _get(env, "LOCAL_AREA_NAME", "Example Borough"),
    }


def is_loopback(hostname: str | None) -> bool:
    """Whether the host is this machine, so plain http never crosses a network."""
    if not hostname:
        return False
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def _address_settings(env: Mapping[str, str], production: bool) -> dict:
    """The service's address, and whether it is https-only. See docs/deployment.md.

    In production the app is as secure as its address says: an https PUBLIC_BASE_URL means
    plain http requests are redirected, HSTS is sent and the session cookie is Secure (and may
    not be made otherwise). Plain http is allowed only on this machine (the Compose stack):
    behind a TLS proxy the address users see, and so PUBLIC_BASE_URL, is the https one.
    """
    given = _get(env, "PUBLIC_BASE_URL", "")
    public_base_url = (given or "http://127.0.0.1:5000").rstrip("/")
    address = urlsplit(public_base_url)
    https = address.scheme == "https"
    if production and not (
        given
        and address.hostname
        and (https or (address.scheme == "http" and is_loopback(address.hostname)))
    ):
        raise ConfigError(
            "PUBLIC_BASE_URL must be the service's https address in production (links in "
            "emails use it). Behind a TLS proxy that is the proxy's https address; plain http "
            "is allowed only for localhost or 127.0.0.1, on the machine the app runs on."
        )
    cookie_secure = _bool(env.get("SESSION_COOKIE_SECURE"), production and https)
    if production and https and not cookie_secure:
        raise ConfigError(
            "SESSION_COOKIE_SECURE cannot be off when PUBLIC_BASE_URL is https: the session "
            "cookie would also be sent over plain http. Leave it unset."
        )
    return {
        "PUBLIC_BASE_URL": public_base_url,
        # Only production redirects: development and the tests serve plain http.
        "FORCE_HTTPS": production and https,
        "PREFERRED_URL_SCHEME": "https" if production and https else "http",
        "SESSION_COOKIE_SECURE": cookie_secure,
        # How many proxies in front set X-Forwarded-* headers (0: trust none).
        "PROXY_FIX_HOPS": _whole_number(env, "PROXY_FIX_HOPS", 0),
    }


SIFT_CV_ACCESS_CHOICES = ("none", "neutral-name")


def _name_blind_settings(env: Mapping[str, str]) -> dict:
    """Name-blind review: what reviewers get of a CV while a candidate is New or In sift.

    "none" (the default): no CV until the candidate is through the sift, since a CV usually
    names its writer. "neutral-name": the CV downloads during the sift under a neutral name
    (cv-<reference>.pdf), for councils that ask applicants to leave their name off their CV.
    See docs/stages.md.
    """
    access = _get(env, "SIFT_CV_ACCESS", "none").lower()
    if access not in SIFT_CV_ACCESS_CHOICES:
        raise ConfigError(
            f"SIFT_CV_ACCESS must be one of {', '.join(SIFT_CV_ACCESS_CHOICES)}, not {access!r}."
        )
    return {"SIFT_CV_ACCESS": access}


def _secret_key(env: Mapping[str, str], production: bool) -> str:
    secret_key = _get(env, "SECRET_KEY", DEFAULT_SECRET_KEY)
    if production and (secret_key == DEFAULT_SECRET_KEY or len(secret_key) < 32):
        raise ConfigError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    return secret_key


def _service_settings(env: Mapping[str, str], production: bool, instance_path: Path) -> dict:
    """The database and Redis. Production refuses SQLite and the embedded broker."""
    default_db = f"sqlite:///{instance_path / 'tracker.sqlite3'}"
    database_url = _normalise_database_url(_get(env, "DATABASE_URL", default_db))
    if production and database_url.startswith("sqlite"):
        raise ConfigError("DATABASE_URL must point at PostgreSQL in production.")
    redis_url = _get(env, "REDIS_URL", "") or None
    if production and not redis_url:
        raise ConfigError(
            "REDIS_URL must be set in production (the embedded broker is local-only)."
        )
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        # Anonymous public pages from a cache (Redis at REDIS_URL, else in-process).
        "PUBLIC_PAGE_CACHE": _bool(env.get("PUBLIC_PAGE_CACHE"), True),
        # Where `make run`'s embedded broker listens when REDIS_URL is unset.
        "LOCAL_BROKER_SOCKET": _get(
            env, "LOCAL_BROKER_SOCKET", str(local_broker.default_socket(instance_path))
        ),
    }


def _branding(env: Mapping[str, str], contact_email: str) -> dict:
    """The council's name, logo and colour in every page and email."""
    brand_colour = _get(env, "BRAND_COLOUR", "#0b0c0c").lower()
    if not _HEX_COLOUR.match(brand_colour):
        raise ConfigError(f"BRAND_COLOUR must look like #1d70b8, not {brand_colour!r}.")
    if not is_legible_background(brand_colour):
        raise ConfigError(
            f"BRAND_COLOUR {brand_colour} is too mid-toned for legible header text: neither white "
            f"nor black text on it reaches a contrast of {MINIMUM_CONTRAST}:1. Pick a darker or "
            "lighter shade."
        )
    return {
        "council_name": _get(env, "COUNCIL_NAME", "Example Borough Council"),
        "service_name": _get(env, "SERVICE_NAME", "ICT and digital apprenticeships"),
        "logo": _get(env, "COUNCIL_LOGO", "images/council-logo.svg"),
        "colour": brand_colour,
        "contact_email": contact_email,
        "website_url": _get(env, "COUNCIL_WEBSITE_URL", "https://www.example.gov.uk"),
    }


def load_settings(environ: Mapping[str, str] | None = None, *, instance_path: Path) -> dict:
    """Build the Flask config mapping from environment variables.

    :raise ConfigError: when the combination is unsafe (see module docstring).
    """
    env = os.environ if environ is None else environ
    tracker_env = _get(env, "TRACKER_ENV", "development").lower()
    if tracker_env not in ENVIRONMENTS:
        raise ConfigError(
            f"TRACKER_ENV must be one of {', '.join(ENVIRONMENTS)}, not {tracker_env!r}."
        )
    production = tracker_env == "production"
    secret_key = _secret_key(env, production)
    services = _service_settings(env, production, instance_path)
    contact_email = _get(env, "CONTACT_EMAIL", "apprenticeships@example.gov.uk")
    branding = _branding(env, contact_email)
    return {
        **_account_settings(env, services["REDIS_URL"]),
        **_application_settings(env, instance_path),
        **_email_settings(env, tracker_env, contact_email),
        **_address_settings(env, production),
        **_name_blind_settings(env),
        **services,
        "TRACKER_ENV": tracker_env,
        "DEBUG": False,
        "TESTING": tracker_env == "test",
        "SECRET_KEY": secret_key,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CATALOGUE_FILE": _get(
            env, "CATALOGUE_FILE", str(PROJECT_ROOT / "tracker" / "catalogue" / "default.yaml")
        ),
        "BRANDING": branding,
    }
