"""The bulk upsert is the CSV import (programs/importing.py) with rows as JSON: every row is
checked first, then all are written or none, with a report per row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import Enrolment
from tests.factories import EnrolmentQuestionFactory

URL = reverse("api:enrolment_list", args=["ours-2027"])


@pytest.fixture
def api(org, client_with):
    return client_with(org["coordinator"])


def new(email: str, **cells) -> dict:
    return {"email": email, "first_name": "New", "last_name": "Person", "role": "mentee"} | cells


def test_valid_rows_are_written_with_a_report_per_row(org, api):
    response = api.post(
        URL,
        {
            "rows": [
                new("n1@example.org", interests=["Python", "public speaking"], seniority=2),
                {
                    "email": "E5@example.org",
                    "first_name": "E5",
                    "last_name": "X",
                    "interests": "leadership",
                },
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["applied"] and report["ok"]
    assert report["counts"] == {"create": 1, "update": 1, "unchanged": 0, "error": 0}
    first, second = report["rows"]
    assert (first["row"], first["action"], first["enrolment"]) == (1, "create", "create")
    assert (second["row"], second["email"], second["enrolment"]) == (2, "e5@example.org", "update")
    assert {"field": "interests", "before": [], "after": ["leadership"]} in second["changes"]
    created = Enrolment.objects.get(person__user__email="n1@example.org")
    assert created.interests == ["python", "public speaking"] and created.status == "invited"
    assert created.person.seniority == 2


def test_one_bad_row_writes_nothing_and_names_each_problem(org, api):
    before = Enrolment.objects.count()
    response = api.post(
        URL,
        {
            "rows": [
                new("n1@example.org"),
                new("not-an-address", capacity=99),
                new("n3@example.org", role="boss"),
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    report = response.json()
    assert not report["applied"] and not report["ok"]
    assert report["rows"][0]["errors"] == []
    errors = {(row["row"], e["field"]) for row in report["rows"] for e in row["errors"]}
    assert errors == {(2, "email"), (2, "capacity"), (3, "role")}
    assert Enrolment.objects.count() == before
    assert not Enrolment.objects.filter(person__user__email="n1@example.org").exists()


def test_a_dry_run_reports_and_writes_nothing(org, api):
    response = api.post(URL, {"rows": [new("n1@example.org")], "dry_run": True}, format="json")
    assert response.status_code == 200
    assert response.json()["counts"]["create"] == 1 and not response.json()["applied"]
    assert not Enrolment.objects.filter(person__user__email="n1@example.org").exists()


def test_the_same_email_twice_is_refused(org, api):
    response = api.post(
        URL, {"rows": [new("n1@example.org"), new("N1@example.org")]}, format="json"
    )
    assert response.status_code == 400
    assert "more than once" in response.json()["rows"][1]["errors"][0]["message"]


def test_answers_go_to_the_programs_questions(org, api):
    EnrolmentQuestionFactory(
        program=org["program"], slug="goal", kind="single", choices=["Lead", "Build"]
    )
    ok = api.post(URL, {"rows": [new("n1@example.org", answers={"goal": "lead"})]}, format="json")
    assert ok.status_code == 200, ok.content
    assert Enrolment.objects.get(person__user__email="n1@example.org").answers == {"goal": "Lead"}
    bad = api.post(URL, {"rows": [new("n2@example.org", answers={"goal": "Sell"})]}, format="json")
    assert bad.json()["rows"][0]["errors"][0]["field"] == "goal"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"rows": []},
        {"rows": [new("n1@example.org", deparment="Sales")]},
        {"rows": [new("n1@example.org", capacity={"a": 1})]},
        {"rows": "n1@example.org"},
    ],
)
def test_malformed_bodies_are_400_with_field_errors(org, api, body):
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    report = response.json()
    assert not report["applied"] and not report["ok"]
    assert report["errors"] or report["rows"][0]["errors"]
    assert not Enrolment.objects.filter(person__user__email="n1@example.org").exists()


def test_a_malformed_row_is_reported_on_its_row(org, api):
    response = api.post(
        URL, {"rows": [new("n1@example.org"), new("n2@example.org", deparment="x")]}, format="json"
    )
    assert response.status_code == 400
    (row,) = response.json()["rows"]
    assert row["row"] == 2 and row["errors"][0]["field"] == "deparment"
    assert not Enrolment.objects.filter(person__user__email="n1@example.org").exists()
