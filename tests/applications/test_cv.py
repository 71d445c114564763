"""Uploading, replacing, removing and downloading a CV through the real pages.

Given a signed-in applicant with a draft application, when they upload a file on the CV page,
then only a real PDF, DOCX or ODT within the size limit is stored, under a name we generate,
inside the upload folder; and only its owner (or staff in scope, once it is submitted) can
download it again.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.applications.conftest import sign_in_applicant
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    TrackFactory,
    UserFactory,
    move_to,
)
from tests.helpers import csrf_token, sign_in_as
from tracker.accounts.models import StaffRole
from tracker.applications.models import Application, CvDocument
from tracker.applications.states import Status
from tracker.extensions import db

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
STORAGE_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|docx|odt)")
ERROR_SUMMARY = 'class="govuk-error-summary"'


def minimal_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr("word/document.xml", b"<w:document><w:body><w:p/></w:body></w:document>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def upload_folder(app, monkeypatch, tmp_path) -> Path:
    """Each test stores its files in its own empty folder, not the instance folder."""
    # Two levels down, so that a name climbing out with "../../" would land in tmp_path.
    folder = tmp_path / "instance" / "uploads"
    folder.mkdir(mode=0o700, parents=True)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def draft(signed_in, role) -> Application:
    application = ApplicationFactory(applicant=signed_in, role=role)
    # Committed (inside the test's own transaction), as a refused upload rolls the request back.
    db.session.commit()
    return application


def post_cv(client, application_id: int, fields: dict, *, filename=None, data=None):
    """Post the CV page's form as a browser does: multipart, with the page's CSRF token.

    The body is encoded in memory: the test client would spool a large one to a temporary
    file it never closes, which pytest reports as an unclosed file.
    """
    path = f"/applications/{application_id}/cv"
    values = {"csrf_token": csrf_token(client, path), **fields}
    if data is not None:
        values["cv"] = FileStorage(
            io.BytesIO(data), filename=filename, content_type="application/pdf"
        )
    boundary, body = encode_multipart(values)
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def upload(client, application_id: int, data: bytes, filename: str = "My CV.pdf"):
    return post_cv(client, application_id, {"upload": "y"}, filename=filename, data=data)


def stored_cvs(application_id: int) -> list[CvDocument]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(CvDocument).where(CvDocument.application_id == application_id))
    )


def files_in(folder: Path) -> list[str]:
    """Every file under the folder, including hidden temporary ones, relative to it."""
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def completed_sections(application_id: int) -> list[str]:
    db.session.expire_all()
    return db.session.get(Application, application_id).completed_sections


def summary_of(html: str) -> str:
    start = html.index(ERROR_SUMMARY)
    return html[start : html.index("</ul>", start)]


def submit(post_form, application: Application) -> None:
    response = post_form(f"/applications/{application.id}/check", {"confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Application, application.id).status is Status.SUBMITTED


# Storing


def test_a_small_pdf_is_stored_under_a_generated_name(client, draft, upload_folder):
    response = upload(client, draft.id, MINIMAL_PDF, "My CV.pdf")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{draft.id}")
    [cv] = stored_cvs(draft.id)
    assert STORAGE_NAME.fullmatch(cv.storage_name)
    assert cv.storage_name.endswith(".pdf")
    assert (cv.display_name, cv.media_type, cv.size_bytes) == (
        "My CV.pdf",
        "application/pdf",
        len(MINIMAL_PDF),
    )
    # The one file in the folder is the generated name, never the uploaded one.
    assert files_in(upload_folder) == [cv.storage_name]
    assert (upload_folder / cv.storage_name).read_bytes() == MINIMAL_PDF
    assert "cv" in completed_sections(draft.id)


def test_a_docx_is_stored_with_its_own_type(client, draft, upload_folder):
    document = minimal_docx()
    assert upload(client, draft.id, document, "cv.docx").status_code == 302
    [cv] = stored_cvs(draft.id)
    assert cv.storage_name.endswith(".docx")
    assert cv.media_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert (upload_folder / cv.storage_name).read_bytes() == document


def test_uploading_with_no_file_asks_for_one(client, draft, upload_folder):
    response = post_cv(client, draft.id, {"upload": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Select a file to upload, or continue without a CV" in summary_of(html)
    assert stored_cvs(draft.id) == []
    assert files_in(upload_folder) == []


# Refusing


def test_a_file_just_over_the_limit_gets_a_clear_error_and_nothing_is_stored(
    app, client, draft, upload_folder
):
    limit = app.config["CV_MAX_BYTES"]
    assert limit == 5 * 1024 * 1024
    too_big = MINIMAL_PDF + b"\n" * (limit + 1 - len(MINIMAL_PDF))
    assert len(too_big) == limit + 1

    response = upload(client, draft.id, too_big, "big.pdf")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    summary = summary_of(html)
    assert "The selected file must be smaller than 5 MB" in summary
    # The summary links to the file input.
    assert 'href="#cv"' in summary
    assert 'id="cv"' in html
    assert html.count("must be smaller than 5 MB") >= 2  # in the summary and by the field
    assert stored_cvs(draft.id) == []
    assert files_in(upload_folder) == []
    assert "cv" not in completed_sections(draft.id)


def test_a_file_exactly_at_the_limit_is_taken(app, client, draft, upload_folder):
    limit = app.config["CV_MAX_BYTES"]
    exact = MINIMAL_PDF + b"\n" * (limit - len(MINIMAL_PDF))
    assert upload(client, draft.id, exact, "exact.pdf").status_code == 302
    [cv] = stored_cvs(draft.id)
    assert cv.size_bytes == limit
    assert (upload_folder / cv.storage_name).stat().st_size == limit


def test_a_request_far_over_the_upload_limit_gets_the_too_big_page(
    app, client, draft, upload_folder
):
    huge = MINIMAL_PDF + bytes(app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)

    response = upload(client, draft.id, huge, "huge.pdf")

    html = response.get_data(as_text=True)
    assert response.status_code == 413
    # The service's own page, in its own layout, not werkzeug's bare report.
    assert "govuk-template" in html
    assert "The file you selected is too big" in html
    assert "smaller than 5 MB" in html
    assert "Request Entity Too Large" not in html
    assert stored_cvs(draft.id) == []
    assert files_in(upload_folder) == []
    assert "cv" not in completed_sections(draft.id)


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        pytest.param(HTML_PAGE, "cv.pdf", id="html-renamed-pdf"),
        pytest.param(b"<html>" + minimal_docx(), "cv.docx", id="html-with-docx-appended"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(64), "cv.pdf", id="png-renamed-pdf"),
    ],
)
def test_a_file_that_is_not_a_document_is_refused_whatever_its_name(
    client, draft, upload_folder, data, filename
):
    response = upload(client, draft.id, data, filename)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    summary = summary_of(html)
    assert "must be a PDF, DOCX or ODT" in summary
    assert 'href="#cv"' in summary
    assert stored_cvs(draft.id) == []
    assert files_in(upload_folder) == []
    assert "cv" not in completed_sections(draft.id)


def test_a_refused_replacement_keeps_the_cv_already_there(app, client, draft, upload_folder):
    assert upload(client, draft.id, MINIMAL_PDF, "first.pdf").status_code == 302
    [first] = stored_cvs(draft.id)

    response = upload(client, draft.id, HTML_PAGE, "second.pdf")

    assert response.status_code == 200
    assert "must be a PDF, DOCX or ODT" in response.get_data(as_text=True)
    [still] = stored_cvs(draft.id)
    assert (still.storage_name, still.display_name) == (first.storage_name, "first.pdf")
    assert files_in(upload_folder) == [first.storage_name]
    assert client.get(f"/applications/{draft.id}/cv/file").data == MINIMAL_PDF


# Names


def test_a_name_climbing_out_of_the_folder_is_stored_safely(client, draft, upload_folder, tmp_path):
    response = upload(client, draft.id, MINIMAL_PDF, "../../etc/passwd.pdf")

    assert response.status_code == 302
    [cv] = stored_cvs(draft.id)
    assert STORAGE_NAME.fullmatch(cv.storage_name)
    assert (upload_folder / cv.storage_name).resolve().parent == upload_folder.resolve()
    # The only file written anywhere under tmp_path is the generated name in the folder:
    # nothing in tmp_path/etc, where "../../etc" would lead.
    assert files_in(tmp_path) == [f"instance/uploads/{cv.storage_name}"]
    assert not (tmp_path / "etc").exists()
    assert not Path("/etc/passwd.pdf").exists()
    # Only the last part of the name is kept, for people to read.
    assert cv.display_name == "passwd.pdf"
    assert "/" not in cv.display_name and "\\" not in cv.display_name
    assert ".." not in cv.display_name

    download = client.get(f"/applications/{draft.id}/cv/file")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "passwd.pdf" in disposition and ".." not in disposition and "/" not in disposition


# Browsers send a bare name and percent-encode quotes, so these are names a browser can send.
@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("cv\u202efdp.exe", "cvfdp.pdf"),
        ("<img src=x onerror=alert(1)>.pdf", "_img src=x onerror=alert(1)_.pdf"),
        ("cv:stream|*?.pdf", "cv_stream___.pdf"),
    ],
)
def test_other_hostile_names_are_cleaned_for_display(client, draft, filename, expected):
    assert upload(client, draft.id, MINIMAL_PDF, filename).status_code == 302
    [cv] = stored_cvs(draft.id)
    assert STORAGE_NAME.fullmatch(cv.storage_name)
    assert cv.display_name == expected
    page = client.get(f"/applications/{draft.id}/cv").get_data(as_text=True)
    assert "<img src=x" not in page


# Downloading


def test_the_owner_downloads_exactly_what_they_uploaded(client, draft):
    assert upload(client, draft.id, MINIMAL_PDF, "My CV.pdf").status_code == 302

    response = client.get(f"/applications/{draft.id}/cv/file")

    assert response.status_code == 200
    assert response.data == MINIMAL_PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "My CV.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def link_to(href: str, text: str) -> re.Pattern:
    return re.compile(rf'<a class="govuk-link" href="{re.escape(href)}">{re.escape(text)}</a>')


def test_pages_offer_the_cv_as_a_working_link(app, client, post_form, signed_in, role):
    application = ApplicationFactory(applicant=signed_in, role=role, complete=True)
    db.session.commit()
    assert upload(client, application.id, MINIMAL_PDF, "My CV.pdf").status_code == 302
    own = f"/applications/{application.id}/cv/file"

    # Each page is checked in turn, so a failure names the first page that is wrong.
    for path in (f"/applications/{application.id}/cv", f"/applications/{application.id}/check"):
        page = client.get(path).get_data(as_text=True)
        # Markup meant as a link must not be shown to people as text.
        assert "&lt;a class=" not in page, f"the CV link on {path} is escaped into text"
        assert link_to(own, "My CV.pdf").search(page), f"no working CV link on {path}"

    submit(post_form, application)
    page = client.get(f"/applications/{application.id}/view").get_data(as_text=True)
    assert link_to(own, "My CV.pdf").search(page), "no working CV link on the submitted copy"

    # Staff get the CV once the candidate is through the name-blind sift.
    through_the_sift(application)
    admin = UserFactory(roles=[StaffRole.ADMIN])
    db.session.commit()
    staff = _staff_client(app, admin)
    page = staff.get(f"/staff/applications/{application.id}").get_data(as_text=True)
    staff_href = f"/staff/applications/{application.id}/cv"
    assert link_to(staff_href, "My CV.pdf").search(page), "no working CV link for staff"
    assert "&lt;a class=" not in page


def test_downloading_with_no_cv_is_not_found(client, draft):
    assert client.get(f"/applications/{draft.id}/cv/file").status_code == 404


def test_another_applicant_cannot_download_it(app, client, draft):
    assert upload(client, draft.id, MINIMAL_PDF).status_code == 302
    other = app.test_client()
    sign_in_applicant(other, ApplicantFactory())

    response = other.get(f"/applications/{draft.id}/cv/file")

    assert response.status_code == 404
    assert MINIMAL_PDF not in response.data
    # Nor can they see or change the CV page itself.
    assert other.get(f"/applications/{draft.id}/cv").status_code == 404


def test_an_anonymous_visitor_cannot_download_it(app, client, draft):
    assert upload(client, draft.id, MINIMAL_PDF).status_code == 302
    anonymous = app.test_client()

    response = anonymous.get(f"/applications/{draft.id}/cv/file")

    assert response.status_code != 200
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/applicant/sign-in" in response.headers["Location"]
    assert MINIMAL_PDF not in response.data
    followed = anonymous.get(f"/applications/{draft.id}/cv/file", follow_redirects=True)
    assert MINIMAL_PDF not in followed.data


def _staff_client(app, user):
    staff = app.test_client()
    response = sign_in_as(staff, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return staff


@pytest.fixture
def submitted_with_cv(signed_in, role, client, post_form) -> Application:
    application = ApplicationFactory(applicant=signed_in, role=role, complete=True)
    db.session.commit()
    assert upload(client, application.id, MINIMAL_PDF, "My CV.pdf").status_code == 302
    submit(post_form, application)
    return application


def through_the_sift(application: Application) -> None:
    """Invited to assessment: during the sift reviewers get no CV (test_name_blind.py)."""
    move_to(db.session.get(Application, application.id), Status.ASSESSMENT)
    db.session.commit()


@pytest.fixture
def assessed_with_cv(submitted_with_cv) -> Application:
    through_the_sift(submitted_with_cv)
    return submitted_with_cv


def test_a_hiring_manager_for_another_track_cannot_download_it(app, submitted_with_cv):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[TrackFactory()])
    db.session.commit()
    staff = _staff_client(app, manager)

    response = staff.get(f"/staff/applications/{submitted_with_cv.id}/cv")

    assert response.status_code == 404
    assert MINIMAL_PDF not in response.data
    assert staff.get(f"/staff/applications/{submitted_with_cv.id}").status_code == 404


def test_a_hiring_manager_for_the_track_can_download_it(app, role, assessed_with_cv):
    manager = UserFactory(roles=[StaffRole.HIRING_MANAGER], tracks=[role.track])
    db.session.commit()
    staff = _staff_client(app, manager)

    response = staff.get(f"/staff/applications/{assessed_with_cv.id}/cv")

    assert response.status_code == 200
    assert response.data == MINIMAL_PDF
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=cv-{assessed_with_cv.reference}.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_admin_can_download_it_and_the_download_is_audited(app, assessed_with_cv):
    from tracker.audit.models import AuditEvent

    admin = UserFactory(roles=[StaffRole.ADMIN])
    db.session.commit()
    staff = _staff_client(app, admin)

    response = staff.get(f"/staff/applications/{assessed_with_cv.id}/cv")

    assert response.status_code == 200
    assert response.data == MINIMAL_PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.action == "application.cv_downloaded",
                AuditEvent.object_id == str(assessed_with_cv.id),
            )
        )
        == 1
    )


def test_staff_cannot_download_a_draft_applications_cv(app, client, draft):
    assert upload(client, draft.id, MINIMAL_PDF).status_code == 302
    admin = UserFactory(roles=[StaffRole.ADMIN])
    db.session.commit()
    staff = _staff_client(app, admin)

    response = staff.get(f"/staff/applications/{draft.id}/cv")

    assert response.status_code == 404
    assert MINIMAL_PDF not in response.data


def test_an_applicant_cannot_use_the_staff_download(app, client, submitted_with_cv):
    response = client.get(f"/staff/applications/{submitted_with_cv.id}/cv")
    assert response.status_code in (302, 403, 404)
    assert MINIMAL_PDF not in response.data


# Replacing and removing


def test_replacing_a_cv_keeps_only_the_new_one(client, draft, upload_folder):
    assert upload(client, draft.id, MINIMAL_PDF, "first.pdf").status_code == 302
    [first] = stored_cvs(draft.id)
    document = minimal_docx()

    response = upload(client, draft.id, document, "second.docx")

    assert response.status_code == 302
    [second] = stored_cvs(draft.id)
    assert second.storage_name != first.storage_name
    assert second.display_name == "second.docx"
    # The old file goes once the commit that forgets it has happened.
    assert files_in(upload_folder) == [second.storage_name]
    assert client.get(f"/applications/{draft.id}/cv/file").data == document
    assert "cv" in completed_sections(draft.id)


def test_removing_a_cv_deletes_it_and_reopens_the_section(client, draft, upload_folder):
    assert upload(client, draft.id, MINIMAL_PDF, "first.pdf").status_code == 302
    assert "cv" in completed_sections(draft.id)

    response = post_cv(client, draft.id, {"remove": "y"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{draft.id}/cv")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your CV has been removed." in page
    assert stored_cvs(draft.id) == []
    assert files_in(upload_folder) == []
    assert "cv" not in completed_sections(draft.id)
    assert client.get(f"/applications/{draft.id}/cv/file").status_code == 404


def test_a_submitted_applications_cv_cannot_be_changed(client, submitted_with_cv, upload_folder):
    [before] = stored_cvs(submitted_with_cv.id)

    response = upload(client, submitted_with_cv.id, minimal_docx(), "new.docx")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{submitted_with_cv.id}/view")
    [after] = stored_cvs(submitted_with_cv.id)
    assert after.storage_name == before.storage_name
    assert files_in(upload_folder) == [before.storage_name]
    # The applicant can still download their own submitted CV.
    assert client.get(f"/applications/{submitted_with_cv.id}/cv/file").data == MINIMAL_PDF
