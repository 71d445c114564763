"""A subject access export: every record about one applicant, as a ZIP holding a readable
summary (summary.html), the same data as JSON (data.json) and their files (files/).

Each package exports its own records (its personal_data.py), found from the applicant and
their applications only, so nothing about anyone else can be in it. The council's reviewers
are named by their role, not their name: their identity is not the applicant's personal data.
"""

from __future__ import annotations

import io
import json
import zipfile

from flask import render_template

from tracker.applicants.models import Applicant
from tracker.data_subject import Subject
from tracker.privacy.providers import each, subject_of


def _application(application_id: int) -> dict:
    sections: dict = {}
    for export in each("export_application"):
        sections |= export(application_id)
    return sections


def collect(subject: Subject) -> dict:
    """Everything the service holds about them, grouped as they would read it: about them,
    then about each of their applications."""
    document: dict = {}
    for export in each("export_subject"):
        document |= export(subject)
    document["applications"] = [_application(i) for i in subject.application_ids]
    return document


def build_zip(applicant: Applicant) -> bytes:
    subject = subject_of(applicant)
    data = collect(subject)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("summary.html", render_template("privacy/summary.html", data=data))
        for export in each("export_files"):
            for name, content in export(subject):
                archive.writestr(f"files/{name}", content)
    return buffer.getvalue()
