"""Each package's personal_data.py declares columns it has, and provides only what privacy
runs (a misspelt function would otherwise be skipped without a word)."""

from __future__ import annotations

import inspect

from tracker.extensions import db
from tracker.privacy.providers import HOOKS


def test_personal_columns_name_real_tables_and_columns(app):
    modules = app.extensions["personal_data"]
    assert len(modules) >= 9
    for module in modules:
        for table, columns in module.PERSONAL_COLUMNS.items():
            assert table in db.metadata.tables, (module.__name__, table)
            for column in columns:
                assert column in db.metadata.tables[table].c, (module.__name__, table, column)


def test_each_package_provides_only_what_privacy_runs(app):
    for module in app.extensions["personal_data"]:
        public = {
            name
            for name, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == module.__name__
            and not name.startswith("_")
        }
        # notifications' email_filter is also what the erasure page's test counts with.
        assert public - set(HOOKS) <= {"email_filter"}, module.__name__
