"""HR's recruitment reports and the equality report.

Views parse the campaign and the choices, ask queries.py for the figures and render them:
each chart beside its table, each table with its CSV file. Every report is for HR
(VIEW_REPORTS); the equality report, the one page that shows equality data and only in
suppressed aggregate, needs VIEW_EQUALITY_REPORT. Each CSV download is audited.

The blueprint lives in blueprint.py; each report's views are in their own module, which the
app factory imports with every other view module (tracker/domains.py).
"""

from __future__ import annotations

from flask import render_template

from tracker.accounts.permissions import Permission, require
from tracker.reports.blueprint import bp


@bp.get("")
@require(Permission.VIEW_REPORTS)
def index():
    return render_template("reports/index.html")
