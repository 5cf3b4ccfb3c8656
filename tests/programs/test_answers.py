"""Enrolment answers read as the question's text and the chosen options, never raw keys."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import EnrolmentQuestion
from tests.factories import EnrolmentQuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(program):
    return [
        EnrolmentQuestionFactory(
            program=program,
            slug="focus",
            text="What do you most want to work on?",
            kind=EnrolmentQuestion.Kind.SINGLE,
            choices=["career growth", "leadership"],
        ),
        EnrolmentQuestionFactory(
            program=program,
            slug="meeting_style",
            text="How do you like to meet?",
            kind=EnrolmentQuestion.Kind.MULTIPLE,
            choices=["structured", "casual", "walk and talk"],
        ),
        EnrolmentQuestionFactory(
            program=program,
            slug="confidence",
            text="How confident are you leading a team?",
            kind=EnrolmentQuestion.Kind.SCALE,
        ),
    ]


ANSWERS = {"focus": "leadership", "meeting_style": ["casual", "walk and talk"], "confidence": 4}
SHOWN = [
    ("What do you most want to work on?", "leadership"),
    ("How do you like to meet?", "casual, walk and talk"),
    ("How confident are you leading a team?", "4 of 5"),
]


def test_answer_rows_follow_the_programs_questions(draft_cohort, enrol_email, questions):
    enrolment = enrol_email(draft_cohort, "ann@example.org", answers=ANSWERS | {"retired": "kept"})
    # A deleted question's answer stays on record, last, under its CSV column.
    assert enrolment.answer_rows() == [*SHOWN, ("retired", "kept")]


def test_my_programs_page_shows_questions_and_chosen_options(
    client, draft_cohort, enrol_email, questions
):
    enrolment = enrol_email(draft_cohort, "ann@example.org", status="approved", answers=ANSWERS)
    client.force_login(enrolment.person.user)
    html = client.get(reverse("programs:my_enrolments")).content.decode()
    for question, answer in SHOWN:
        assert f'<dt class="col-sm-4">{question}</dt>' in html
        assert answer in html
    assert ">focus<" not in html and ">meeting_style<" not in html


def test_coordinator_sees_an_applications_answers_by_question(
    client, coordinator, draft_cohort, enrol_email, questions, django_assert_max_num_queries
):
    enrol_email(draft_cohort, "ann@example.org", status="applied", answers=ANSWERS)
    client.force_login(coordinator)
    html = client.get(draft_cohort.get_absolute_url()).content.decode()
    for question, answer in SHOWN:
        assert question in html and answer in html
    assert ">focus<" not in html
    # The questions load once, however many applications wait.
    with django_assert_max_num_queries(30) as few:
        client.get(draft_cohort.get_absolute_url())
    for n in range(5):
        enrol_email(draft_cohort, f"more{n}@example.org", status="applied", answers=ANSWERS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(draft_cohort.get_absolute_url())
