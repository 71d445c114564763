"""Apprenticeship Tracker: an applicant tracking system for council apprenticeships."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import PROJECT_ROOT, celery_settings, load_settings
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
    if "CELERY" not in app.config:
        # Derived after the overrides, so that a test's REDIS_URL picks the broker too.
        app.config["CELERY"] = celery_settings(
            app.config["REDIS_URL"],
            Path(app.instance_path),
            sweep_interval=app.config["EMAIL_SWEEP_INTERVAL_SECONDS"],
            local_broker_socket=app.config["LOCAL_BROKER_SOCKET"],
        )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_FIX_HOPS"]:
        # Behind a TLS-terminating proxy: believe its X-Forwarded-* headers, and only its.
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

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
    return app


# Modules that register email templates (tracker.notifications.rendering.email_template).
EMAIL_MODULES = (
    "tracker.notifications.emails",
    "tracker.accounts.emails",
    "tracker.applications.emails",
    "tracker.offers.emails",
    "tracker.screening.emails",
    "tracker.scheduling.emails",
    "tracker.partners.emails",
    "tracker.mentoring.emails",
    "tracker.workqueue.emails",
)


def register_email_templates() -> None:
    for module in EMAIL_MODULES:
        importlib.import_module(module)


def _init_extensions(app: Flask) -> None:
    from tracker.accounts.login import init_login
    from tracker.applicants.login import init_applicant_login
    from tracker.applications.storage import init_storage
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
    init_navigation(app)
    register_error_handlers(app)
    init_outbox()
    init_storage()
    init_mailbox_forgetting()
    # Import models so that Alembic and the app see every table, and the email templates.
    import tracker.models  # noqa: F401

    register_email_templates()
    from tracker.security import init_security

    init_security(app)


def _import_view_modules() -> None:
    """Import every package's view modules (``views.py`` and ``*_views.py``), so that each
    route has joined its blueprint before any blueprint is registered. A view module may add
    routes to another package's blueprint (staff's forms on screening's, the offer and booking
    pages on applications'), and no view module imports another to pull its routes in."""
    for package in pkgutil.iter_modules(__path__):
        if not package.ispkg:
            continue
        for module in pkgutil.iter_modules([str(Path(__path__[0]) / package.name)]):
            if module.name == "views" or module.name.endswith("_views"):
                importlib.import_module(f"{__name__}.{package.name}.{module.name}")


def _register_blueprints(app: Flask) -> None:
    _import_view_modules()
    from tracker.accounts.cli import users_cli
    from tracker.accounts.views import bp as accounts_bp
    from tracker.admin.views import bp as admin_bp
    from tracker.applicants.views import bp as applicants_bp
    from tracker.applications.blueprint import bp as applications_bp
    from tracker.audit_log.views import bp as audit_bp
    from tracker.catalogue.cli import catalogue_cli
    from tracker.catalogue.views import bp as catalogue_bp
    from tracker.exports.views import bp as exports_bp
    from tracker.mentoring.views import bp as mentoring_bp
    from tracker.notifications.cli import emails_cli
    from tracker.notifications.views import bp as dev_mailbox_bp
    from tracker.partners.views import bp as partners_bp
    from tracker.privacy.cli import retention_cli
    from tracker.privacy.views import bp as privacy_bp
    from tracker.public.views import bp as public_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.scheduling.blueprint import bp as scheduling_bp
    from tracker.screening.blueprint import bp as screening_bp
    from tracker.sessions.views import bp as sessions_bp
    from tracker.staff.views import bp as staff_bp
    from tracker.workqueue.views import bp as workqueue_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(applicants_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(screening_bp)
    app.register_blueprint(workqueue_bp)
    app.register_blueprint(scheduling_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(mentoring_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(emails_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(retention_cli)
    if app.config["TRACKER_ENV"] == "development" and app.config["EMAIL_BACKEND"] == "local":
        # Only where nothing is really sent: read the local 'sent' emails in the browser.
        app.register_blueprint(dev_mailbox_bp)
