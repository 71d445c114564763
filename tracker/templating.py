"""Template filters and globals shared by every page (the formatting itself is in
tracker.formatting, which services and emails use too)."""

from __future__ import annotations

from collections import ChainMap

from flask import Flask
from flask.templating import Environment as FlaskEnvironment

from tracker.clock import today as uk_today
from tracker.formatting import apply_url, long_date, long_datetime


class _TemplateGlobals(ChainMap):
    """A template's globals, as Jinja makes them (its own over the environment's, live), whose
    ``keys()`` is a plain set.

    Every ``{% from ... import ... %}`` runs ``ctx.globals_keys - template.globals.keys()``
    (jinja2.environment.Template._get_default_module), and the GOV.UK macros import others
    inside their bodies: about a hundred imports on a form page. Against ChainMap's keys view
    that difference is a Python-level lookup through every map for every global, a tenth of
    a section page's time (docs/performance.md); against a set it is one C operation.
    """

    def keys(self):  # type: ignore[override]
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, with globals whose keys are cheap to compare."""

    def make_globals(self, d):
        return _TemplateGlobals({} if d is None else d, self.globals)


def init_templating(app: Flask) -> None:
    from tracker.accounts.permissions import Permission, can
    from tracker.applications.forms import HEARD_ABOUT
    from tracker.notifications.models import EmailStatus

    app.add_template_filter(long_date)
    app.add_template_filter(long_datetime)
    app.add_template_global(apply_url)
    app.add_template_global(uk_today, "uk_today")
    app.add_template_global(can)
    app.add_template_global(Permission, "Permission")
    app.add_template_global(EmailStatus, "EmailStatus")
    app.add_template_global(HEARD_ABOUT, "heard_about_labels")
