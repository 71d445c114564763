"""The manifest (tracker/domains.py) lists every package that brings pages, tables, emails,
jobs, commands or personal data, once: one missing would silently lose them."""

from __future__ import annotations

import pkgutil

import tracker
from tracker.domains import DOMAINS

# Module names that create_app looks for in a package (and their *_<name> forms).
CONVENTIONAL = ("views", "blueprint", "models", "emails", "tasks", "cli", "personal_data")


def _brings_something(name: str) -> bool:
    found = pkgutil.iter_modules([f"{tracker.__path__[0]}/{name}"])
    return any(
        info.name == kind or info.name.endswith(f"_{kind}")
        for info in found
        for kind in CONVENTIONAL
    )


def test_every_package_that_brings_something_is_in_the_manifest_once():
    listed = [domain.package for domain in DOMAINS]
    packages = {
        f"tracker.{info.name}"
        for info in pkgutil.iter_modules(tracker.__path__)
        if info.ispkg and _brings_something(info.name)
    }

    assert len(listed) == len(set(listed))
    assert packages - set(listed) == set()
    assert set(listed) - packages == set()


def test_every_beat_job_names_a_task_of_its_package(app):
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    for name, entry in app.config["CELERY"]["beat_schedule"].items():
        assert entry["task"] in celery.tasks, name
