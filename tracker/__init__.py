"""Apprenticeship Tracker: an applicant tracking system for council apprenticeships."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from celery.schedules import crontab
from flask import Blueprint, Flask
from flask.cli import AppGroup
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import PROJECT_ROOT, celery_settings, load_settings
from tracker.domains import DOMAINS, Beat, Domain
from tracker.routing import init_routing


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``test_config`` overrides settings read from the environment."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(load_settings(instance_path=Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    # Derived after the overrides, so that a test's REDIS_URL picks the broker too.
    celery = app.config.get("CELERY") or celery_settings(
        app.config["REDIS_URL"],
        Path(app.instance_path),
        local_broker_socket=app.config["LOCAL_BROKER_SOCKET"],
    )
    app.config["CELERY"] = celery_tasks(app.config) | celery
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from tracker.templating import Environment as TemplateEnvironment

    # Before app.jinja_env is first used, which makes the environment from this class.
    app.jinja_environment = TemplateEnvironment
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    init_routing(app)
    _init_extensions(app)
    _register_blueprints(app)
    _add_commands(app)
    _wrap_wsgi(app)
    return app


def _wrap_wsgi(app: Flask) -> None:
    """What answers before Flask: from the outside in, ProxyFix (so that the others see the
    real scheme), WhiteNoise (built assets), the page cache (shared public pages)."""
    from tracker.assets import serve_assets
    from tracker.page_cache import init_page_cache
    from tracker.public.shared_pages import shared_page_name

    init_page_cache(app, shared_page_name, app.extensions["asset_manifest"])
    serve_assets(app)
    if app.config["PROXY_FIX_HOPS"]:
        # Behind a TLS-terminating proxy: believe its X-Forwarded-* headers, and only its.
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from tracker.accounts.login import init_login
    from tracker.applicants.login import init_applicant_login
    from tracker.applications.storage import init_storage
    from tracker.assets import init_assets
    from tracker.branding import init_branding
    from tracker.celery_app import celery_init_app
    from tracker.errors import register_error_handlers
    from tracker.extensions import csrf, db, limiter, migrate, wtforms_helpers
    from tracker.navigation import init_navigation
    from tracker.notifications.mailbox import init_mailbox_forgetting
    from tracker.notifications.outbox import init_outbox
    from tracker.sqlite import init_sqlite_transactions
    from tracker.templating import init_templating

    init_sqlite_transactions()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    wtforms_helpers.init_app(app)
    limiter.init_app(app)
    init_login(app)
    init_applicant_login(app)
    celery_init_app(app)
    init_branding(app)
    init_templating(app)
    init_assets(app)
    init_navigation(app)
    register_error_handlers(app)
    init_outbox()
    init_storage()
    init_mailbox_forgetting()
    # Every table, so that Alembic and the app see them all, and the email templates.
    _import_each("models")
    register_email_templates()
    app.extensions["personal_data"] = tuple(_import_each("personal_data", exact=True))
    from tracker.security import init_security

    init_security(app)


# Reading the manifest (tracker/domains.py): each package's modules, found by their names.


def _module_names(package: str, kind: str, *, exact: bool = False) -> list[str]:
    """The package's modules named ``kind`` (and, unless ``exact``, ``*_<kind>``), by name."""
    found = pkgutil.iter_modules(importlib.import_module(package).__path__)
    return [
        f"{package}.{info.name}"
        for info in found
        if info.name == kind or (not exact and info.name.endswith(f"_{kind}"))
    ]


def _import_each(kind: str, *, exact: bool = False) -> list:
    """Every package's modules of this kind, imported, in the manifest's order."""
    return [
        importlib.import_module(name)
        for domain in DOMAINS
        for name in _module_names(domain.package, kind, exact=exact)
    ]


def register_email_templates() -> None:
    """Import every ``emails`` module: each registers its templates as it is imported
    (tracker.notifications.rendering.email_template)."""
    _import_each("emails")


def _schedule(beat: Beat, config: Mapping[str, Any]):
    if beat.crontab is not None:
        return crontab(**beat.crontab)
    return config[beat.seconds] if isinstance(beat.seconds, str) else beat.seconds


def celery_tasks(config: Mapping[str, Any]) -> dict:
    """Celery's ``imports`` (every package's tasks.py) and beat's schedule (the manifest's
    ``beat`` entries), with intervals that name a setting read from ``config``."""
    return {
        "imports": [
            name
            for domain in DOMAINS
            for name in _module_names(domain.package, "tasks", exact=True)
        ],
        "beat_schedule": {
            beat.name: {
                "task": f"{domain.package}.tasks.{beat.task}",
                "schedule": _schedule(beat, config),
            }
            for domain in DOMAINS
            for beat in domain.beat
        },
    }


def _blueprint(domain: Domain) -> Blueprint | None:
    """The ``bp`` of the package's blueprint.py, or else of its views.py; None without either."""
    for kind in ("blueprint", "views"):
        for name in _module_names(domain.package, kind, exact=True):
            return importlib.import_module(name).bp
    return None


def _register_blueprints(app: Flask) -> None:
    # Every views module first, wherever it lives: one may add routes to another package's
    # blueprint, which must have them all before it is registered.
    _import_each("views")
    for domain in DOMAINS:
        wanted = domain.pages_only_with or {}
        if any(app.config.get(key) != value for key, value in wanted.items()):
            continue
        blueprint = _blueprint(domain)
        if blueprint is not None:
            app.register_blueprint(blueprint)


def _add_commands(app: Flask) -> None:
    """Every command group (a flask.cli.AppGroup) that a package's cli.py defines."""
    for module in _import_each("cli", exact=True):
        for value in vars(module).values():
            if isinstance(value, AppGroup):
                app.cli.add_command(value)
