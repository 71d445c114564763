"""Celery bound to Flask: every task runs inside an app context, with settings from config."""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    settings = app.config["CELERY"]
    if settings["broker_url"] == "filesystem://":
        # The embedded broker's queue is a folder; kombu expects it to exist.
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            Path(settings["broker_transport_options"][key]).mkdir(parents=True, exist_ok=True)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
