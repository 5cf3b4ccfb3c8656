"""Provisioning through SCIM: the HR person is found, not duplicated; the directory fields are
copied; a leaver's pairs close, their partners hear, their requests are withdrawn."""

from __future__ import annotations

import datetime as dt
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from governance.models import ScimIdentity
from governance.services import scim_token_create
from matching.models import MentorRequest
from profiles.models import GradeChange, Person
from programs.models import Enrolment
from relationships.models import Mentorship
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def scim(client):
    _, secret = scim_token_create(name="tests")

    def call(method: str, path: str, body: dict | None = None):
        return getattr(client, method)(
            f"/scim/v2/{path}",
            data=json.dumps(body) if body is not None else None,
            content_type="application/scim+json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    return call


def provision(scim, email: str, **extra) -> dict:
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "name": {"givenName": "Lena", "familyName": "Leaver"},
        "emails": [{"value": email, "primary": True}],
        "active": True,
        **extra,
    }
    response = scim("post", "Users", body)
    assert response.status_code == 201, response.content
    return response.json()


def manager(user: dict) -> dict:
    return {"value": user["id"], "$ref": user["meta"]["location"]}


def deactivate(scim, scim_id: str):
    body = {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    return scim("patch", f"Users/{scim_id}", body)


def test_provisioning_links_the_person_hr_imported_and_copies_department_and_manager(scim):
    imported = PersonFactory(user__email="lena@example.org", department="Old")
    boss = provision(scim, "boss@example.org")
    lena = provision(
        scim,
        "Lena@Example.org",
        **{ENTERPRISE: {"department": "Finance", "manager": manager(boss)}},
    )
    assert Person.objects.filter(user__email="lena@example.org").count() == 1
    imported.refresh_from_db()
    assert imported.department == "Finance"
    assert imported.manager.user.email == "boss@example.org"
    assert imported.user.get_full_name() == "Lena Leaver"
    assert ScimIdentity.objects.get(pk=lena["id"]).user_id == imported.user_id


def test_a_manager_loop_and_a_duplicate_user_name_are_refused(scim):
    boss = provision(scim, "boss@example.org")
    lena = provision(scim, "lena@example.org", **{ENTERPRISE: {"manager": manager(boss)}})
    loop = {
        "schemas": [PATCH],
        "Operations": [{"op": "replace", "path": f"{ENTERPRISE}:manager", "value": manager(lena)}],
    }
    response = scim("patch", f"Users/{boss['id']}", loop)
    assert response.status_code == 400
    assert "loop" in response.json()["detail"]
    again = scim(
        "post",
        "Users",
        {
            "schemas": [USER],
            "userName": "boss@example.org",
            "emails": [{"value": "other@example.org"}],
        },
    )
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness"


def test_a_filter_finds_a_user_by_user_name(scim):
    provision(scim, "lena@example.org")
    provision(scim, "max@example.org")
    found = scim("get", 'Users?filter=userName eq "max@example.org"').json()
    assert [r["userName"] for r in found["Resources"]] == ["max@example.org"]


@pytest.fixture
def leaver_world(make_pair):
    """Lena mentors one pair, is mentee in another, and has a pending request to a third mentor."""
    as_mentor = make_pair()
    lena = as_mentor.mentor
    as_mentee = make_pair()
    Mentorship.objects.filter(pk=as_mentee.pk).update(mentor=PersonFactory())
    as_mentee.mentees.set([lena])
    other = make_pair()
    request = MentorRequest.objects.create(
        cohort=other.cohort,
        mentee=Enrolment.objects.create(
            cohort=other.cohort, person=lena, role="mentee", status="approved"
        ),
        mentor=Enrolment.objects.get(cohort=other.cohort, person=other.mentor),
        expires_at=timezone.now() + timedelta(days=5),
    )
    done = make_pair(status=Mentorship.Status.COMPLETED)
    Mentorship.objects.filter(pk=done.pk).update(mentor=lena)
    return {"lena": lena, "pairs": [as_mentor, as_mentee], "request": request, "done": done}


def test_deactivating_a_leaver_closes_their_pairs_tells_partners_and_withdraws_requests(
    scim, leaver_world, client, password, django_capture_on_commit_callbacks
):
    lena = leaver_world["lena"]
    created = provision(scim, lena.user.email)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = deactivate(scim, created["id"])

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    lena.user.refresh_from_db()
    assert not lena.user.is_active
    for pair in leaver_world["pairs"]:
        pair.refresh_from_db()
        assert (pair.status, pair.close_reason) == ("closed", "left_organisation")
        assert pair.ended_at is not None
    done = leaver_world["done"]
    done.refresh_from_db()
    assert done.status == "completed" and done.close_reason == ""  # history untouched
    leaver_world["request"].refresh_from_db()
    assert leaver_world["request"].status == "withdrawn"
    told = sorted(m.to[0] for m in mail.outbox)
    partners = sorted(
        p.user.email for pair in leaver_world["pairs"] for p in pair.members() if p.pk != lena.pk
    )
    assert told == partners and len(told) == 2
    assert all("left the organisation" in m.subject for m in mail.outbox)
    assert lena.user.email not in told
    signed_in = client.login(email=lena.user.email, password=password)
    assert not signed_in


def test_deleting_through_scim_is_a_leaver_and_the_user_is_gone_from_scim(scim, leaver_world):
    lena = leaver_world["lena"]
    created = provision(scim, lena.user.email)
    assert scim("delete", f"Users/{created['id']}").status_code == 204
    assert scim("get", f"Users/{created['id']}").status_code == 404
    lena.user.refresh_from_db()
    assert not lena.user.is_active
    assert Mentorship.objects.filter(mentor=lena, close_reason="left_organisation").exists()


def test_entra_style_updates_set_the_manager_by_bare_id_and_deactivate(scim):
    boss = provision(scim, "boss@example.org")
    lena = provision(scim, "lena@example.org")
    body = {
        "schemas": [PATCH],
        "Operations": [
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Legal"},
            {"op": "Replace", "path": "active", "value": "False"},
        ],
    }
    response = scim("patch", f"Users/{lena['id']}", body)
    assert response.status_code == 200, response.content
    person = Person.objects.get(user__email="lena@example.org")
    assert (person.manager.user.email, person.department) == ("boss@example.org", "Legal")
    assert not person.user.is_active


HR = "urn:mentoring:params:scim:schemas:extension:hr:2.0:User"


def test_the_hr_extension_sets_grade_and_leaving_date_and_keeps_the_grade_history(scim):
    imported = PersonFactory(user__email="gus@example.org", grade="G4")
    with time_machine.travel(dt.datetime(2027, 5, 2, 9, tzinfo=dt.UTC), tick=False):
        gus = provision(scim, "gus@example.org", schemas=[USER, HR], **{HR: {"grade": "G5"}})
    imported.refresh_from_db()
    assert (imported.grade, imported.left_on) == ("G5", None)
    assert gus[HR] == {"grade": "G5"}
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        body = {
            "schemas": [PATCH],
            "Operations": [
                {"op": "replace", "path": f"{HR}:grade", "value": "G6"},
                {"op": "add", "path": f"{HR}:leftOn", "value": "2027-10-31"},
            ],
        }
        assert scim("patch", f"Users/{gus['id']}", body).status_code == 200
    imported.refresh_from_db()
    assert (imported.grade, imported.left_on) == ("G6", dt.date(2027, 10, 31))
    assert list(
        GradeChange.objects.filter(person=imported).values_list("before", "after", "changed_on")
    ) == [("G4", "G5", dt.date(2027, 5, 2)), ("G5", "G6", dt.date(2027, 9, 1))]
    # Leaving the attribute out of the extension clears it, as SCIM's replace does.
    body = {"schemas": [PATCH], "Operations": [{"op": "remove", "path": f"{HR}:leftOn"}]}
    assert scim("patch", f"Users/{gus['id']}", body).status_code == 200
    imported.refresh_from_db()
    assert (imported.grade, imported.left_on) == ("G6", None)
    schema = scim("get", f"Schemas/{HR}").json()
    assert {a["name"]: a["type"] for a in schema["attributes"]} == {
        "grade": "string",
        "leftOn": "dateTime",
    }


def test_a_provider_that_leaves_the_hr_extension_out_keeps_what_hr_imported(scim):
    imported = PersonFactory(
        user__email="ida@example.org", grade="G7", left_on=dt.date(2027, 1, 31)
    )
    provision(scim, "ida@example.org", **{ENTERPRISE: {"department": "Finance"}})

    imported.refresh_from_db()
    assert (imported.department, imported.grade, imported.left_on) == (
        "Finance",
        "G7",
        dt.date(2027, 1, 31),
    )
    assert not GradeChange.objects.exists()


@pytest.mark.parametrize("left_on", ["31/10/2027", "1850-01-01"])
def test_a_bad_leaving_date_is_refused(scim, left_on):
    body = {
        "schemas": [USER, HR],
        "userName": "bad@example.org",
        "emails": [{"value": "bad@example.org", "primary": True}],
        HR: {"leftOn": left_on},
    }
    response = scim("post", "Users", body)
    assert response.status_code == 400, response.content
    assert not Person.objects.filter(user__email="bad@example.org").exists()
