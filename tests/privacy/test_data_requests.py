"""Subject access and erasure: an export holds all of one applicant's data and none of
another's; erasure leaves no trace by the same search; applicants download their own."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from tests.applications.conftest import sign_in_applicant
from tests.factories import UserFactory
from tests.helpers import csrf_token
from tests.privacy.conftest import BOTH_DATABASES, search_everywhere
from tracker.accounts.models import StaffRole
from tracker.applicants.models import Applicant
from tracker.applications.states import Status
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.privacy import services as privacy


def _open(body: bytes) -> tuple[dict, str, dict[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(body))
    files = {n: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
    return (
        json.loads(archive.read("data.json")),
        archive.read("summary.html").decode(),
        files,
    )


@pytest.fixture
def hr():
    return UserFactory(roles=[StaffRole.ADMIN], name="Harriet Rights")


def _find(client, email):
    path = "/staff/data-requests"
    return client.post(path, data={"email": email, "csrf_token": csrf_token(client, path)})


def test_a_subject_access_export_holds_all_of_theirs_and_none_of_anothers(
    client, sign_in, hr, seed_person
):
    mine = seed_person("Mine", status=Status.UNSUCCESSFUL)
    other = seed_person("Other", status=Status.UNSUCCESSFUL)
    db.session.commit()
    sign_in(hr)

    found = _find(client, mine.email.upper())
    assert found.status_code == 302
    assert found.location == f"/staff/data-requests/{mine.applicant_id}"
    page_path = found.location
    response = client.post(
        f"{page_path}/export", data={"csrf_token": csrf_token(client, page_path)}
    )

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    data, summary, files = _open(response.data)
    everything = (
        json.dumps(data) + summary + "".join(f.decode(errors="ignore") for f in files.values())
    )
    for needle in mine.needles:
        assert needle in everything, f"the export is missing {needle!r}"
    for needle in other.needles:
        assert needle not in everything, f"the export holds another applicant's {needle!r}"
    application = data["applications"][0]
    assert application["equality_monitoring"][0]["sex"] == "female"
    assert application["employer_partner_feedback"][0]["comments"] == mine.marks[5]
    assert application["scores"][0]["scores"][0]["evidence"] == mine.marks[4]
    assert "Rita Reviewer" not in everything  # reviewers are not named
    assert list(files) and mine.name.encode() in next(iter(files.values()))
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "privacy.subject_access_export",
                AuditEvent.object_id == str(mine.applicant_id),
            )
        )
        == 1
    )


@pytest.mark.slow  # searches the whole database
@BOTH_DATABASES
def test_erasure_leaves_no_trace_and_touches_nobody_else(
    client, sign_in, hr, seed_person, upload_folder
):
    mine = seed_person("Erase", status=Status.WITHDRAWN)
    other = seed_person("Stay", status=Status.UNSUCCESSFUL)
    db.session.commit()
    sign_in(hr)
    path = f"/staff/data-requests/{mine.applicant_id}/erase"

    refused = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert "Confirm you have checked the request before erasing" in refused.get_data(as_text=True)
    assert db.session.get(Applicant, mine.applicant_id) is not None

    response = client.post(path, data={"csrf_token": csrf_token(client, path), "confirmed": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert search_everywhere(mine.needles, upload_folder) == []
    assert search_everywhere([other.name, other.email, other.marks[2]], upload_folder)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.erased")
    ).one()
    assert (event.actor_id, event.object_id) == (hr.id, str(mine.applicant_id))
    assert _find(client, mine.email).status_code == 200  # not found any more


def test_a_hired_apprentice_cannot_be_erased_here(hr, seed_person):
    person = seed_person("Hired", status=Status.HIRED)

    with pytest.raises(privacy.PrivacyError, match="hired"):
        privacy.erase_applicant(actor=hr, applicant=db.session.get(Applicant, person.applicant_id))


def test_erasing_frees_a_mentor_place_and_a_slot_place(hr, seed_person):
    from datetime import timedelta

    from tests.factories import SlotFactory
    from tests.mentoring.factories import MentorProfileFactory, assigned
    from tracker import clock
    from tracker.applications.models import Application
    from tracker.scheduling.models import Booking

    person = seed_person("Places", status=Status.WITHDRAWN)
    application = db.session.get(Application, person.application_id)
    slot = SlotFactory(
        role=application.role, booked=1, starts_at=clock.utcnow() + timedelta(days=3)
    )
    db.session.add(
        Booking(
            slot_id=slot.id,
            application_id=application.id,
            kind=slot.kind,
            booked_at=clock.utcnow(),
        )
    )
    mentor = MentorProfileFactory()
    assigned(application, mentor)

    privacy.erase_applicant(actor=hr, applicant=db.session.get(Applicant, person.applicant_id))
    db.session.flush()
    db.session.expire_all()

    assert (slot.booked, mentor.assigned) == (0, 0)


def test_an_unknown_address_is_explained(client, sign_in, hr):
    db.session.commit()
    sign_in(hr)

    page = _find(client, "nobody@example.com").get_data(as_text=True)

    assert "No applicant has used this email address" in page


@pytest.mark.parametrize("staff_role", [StaffRole.HIRING_MANAGER, StaffRole.PARTNER])
def test_only_hr_handles_data_requests(client, sign_in, seed_person, staff_role):
    person = seed_person("Scope", status=Status.UNSUCCESSFUL)
    db.session.commit()
    sign_in(UserFactory(roles=[staff_role]))

    assert client.get("/staff/data-requests").status_code == 403
    assert client.get(f"/staff/data-requests/{person.applicant_id}").status_code == 403
    assert client.get("/staff/retention").status_code == 403


def test_applicants_download_their_own_data(client, seed_person):
    mine = seed_person("Self", status=Status.UNSUCCESSFUL)
    other = seed_person("Else", status=Status.UNSUCCESSFUL)
    sign_in_applicant(client, db.session.get(Applicant, mine.applicant_id))

    assert "Download your data" in client.get("/applications").get_data(as_text=True)
    response = client.get("/applications/your-data/download")

    assert response.status_code == 200
    data, summary, _ = _open(response.data)
    assert data["you"]["email"] == mine.email
    assert mine.name in summary and mine.marks[2] in summary
    assert other.email not in json.dumps(data) and other.name not in summary


def test_someone_not_signed_in_cannot_download_anything(client):
    response = client.get("/applications/your-data/download")

    assert response.status_code == 302
    assert "/applicant/sign-in" in response.location or "sign-in" in response.location
