"""Flash figures against a hand-computed event (K = 2).

Clock: 2027-04-10. The event is on 2027-03-04, three rounds; its follow-on cohort is in a
one-to-one program.

    mentees  A1 Eng s2 · A2 Eng s2 · A3 Sales s5 · A4 Sales s5 (no-show)
             A5 Sales s5 (arrives for round 3: missed the one meeting they had)
    mentors  B1 Eng s8 · B2 Sales s8

    round 1  A1-B1 · A2-B2 · A5-B2
    round 2  A3-B1 · A4-B2
    round 3  A1-B2 · A2-B1

    came     A1 A2 A3 B1 B2: 5 (Eng 3: A1 A2 B1 · Sales 2: A3 B2)
    surveys  A1 5 fit return · A2 3 fit · B1 4 return · A3 2 · B2 4 fit return
             all: 18 / 5 = 3.6, fit 60 %, return 60 % · Eng: 4.0, 66.7 %, 66.7 %
             Sales: 3.0, 50 %, 50 %
    chosen   A1 <-> B1, A2 <-> B2 (mutual), A3 -> B1 (not): two follow-on pairs, formed
             2027-04-10 in the follow-on cohort, mentees A1 and A2 (Eng)
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from flash import follow_on
from flash.models import Attendance
from matching.services.runs import match_run_publish
from reports.exports import report_table
from reports.selectors import ReportFilters, participation_report
from tests.flash.people_builders import event_by_hand, meet, person_in_zone, publish, take_part

pytestmark = pytest.mark.django_db

F2 = "fewer than 2"
START = dt.datetime(2027, 3, 4, 14, tzinfo=dt.UTC)
NOW = dt.datetime(2027, 4, 10, 12, tzinfo=dt.UTC)
FLASH_KEYS = (
    "flash_participants",
    "flash_follow_on_pairs",
    "flash_usefulness",
    "flash_met_fit_share",
    "flash_would_return_share",
)


@pytest.fixture
def event():
    with time_machine.travel(NOW, tick=False):
        world = event_by_hand(starts_at=START, rounds=3)
        p = {}
        for key, department, seniority, role in (
            ("A1", "Eng", 2, "mentee"),
            ("A2", "Eng", 2, "mentee"),
            ("A3", "Sales", 5, "mentee"),
            ("A4", "Sales", 5, "mentee"),
            ("A5", "Sales", 5, "mentee"),
            ("B1", "Eng", 8, "mentor"),
            ("B2", "Sales", 8, "mentor"),
        ):
            p[key] = take_part(
                world,
                person_in_zone(
                    f"{key.lower()}@example.org", department=department, seniority=seniority
                ),
                role,
                key,
            )
        for round_, mentee, mentor in (
            (1, "A1", "B1"),
            (1, "A2", "B2"),
            (1, "A5", "B2"),
            (2, "A3", "B1"),
            (2, "A4", "B2"),
            (3, "A1", "B2"),
            (3, "A2", "B1"),
        ):
            meet(world, round_, p[mentee], p[mentor])
        publish(world)
        Attendance.objects.create(event=world.event, person=p["A4"], arrives_round=None)
        Attendance.objects.create(event=world.event, person=p["A5"], arrives_round=3)
        for key, usefulness, fit, again in (
            ("A1", 5, True, True),
            ("A2", 3, True, False),
            ("B1", 4, False, True),
            ("A3", 2, False, False),
            ("B2", 4, True, True),
        ):
            follow_on.survey_answer(
                event=world.event,
                person=p[key],
                usefulness=usefulness,
                met_fit=fit,
                would_return=again,
            )
        for chooser, chosen in (("A1", "B1"), ("B1", "A1"), ("A2", "B2"), ("B2", "A2")):
            follow_on.choices_set(event=world.event, person=p[chooser], chosen=[p[chosen]])
        follow_on.choices_set(event=world.event, person=p["A3"], chosen=[p["B1"]])
        result = follow_on.follow_on_propose(event=world.event)
        match_run_publish(run=result.run)
        yield world


def flash_values(values: dict) -> dict:
    return {key: values[key] for key in FLASH_KEYS}


def report(**filters):
    with time_machine.travel(NOW, tick=False):
        return participation_report(ReportFilters(**filters), k=2)


def test_overall_flash_figures_match_the_hand_computation(event):
    assert flash_values(report().overall.values(2)) == {
        "flash_participants": 5,
        "flash_follow_on_pairs": 2,
        "flash_usefulness": 3.6,
        "flash_met_fit_share": 60.0,
        "flash_would_return_share": 60.0,
    }


def test_flash_figures_by_department(event):
    groups = {g.label: flash_values(g.values(2)) for g in report().breakdowns["department"]}
    assert groups == {
        "Eng": {
            "flash_participants": 3,
            "flash_follow_on_pairs": 2,
            "flash_usefulness": 4.0,
            "flash_met_fit_share": 66.7,
            "flash_would_return_share": 66.7,
        },
        "Sales": {
            "flash_participants": 2,  # A4 never came, A5 missed their only meeting
            "flash_follow_on_pairs": F2,  # nobody behind it
            "flash_usefulness": 3.0,
            "flash_met_fit_share": 50.0,
            "flash_would_return_share": 50.0,
        },
    }


def test_a_small_band_is_hidden_and_covered(event):
    groups = {g.label: g.values(2) for g in report().breakdowns["seniority"]}
    # 4-6 has A3 alone; 1-3 (A1, A2), the smallest other band, is hidden to cover it.
    assert groups["4-6"]["flash_participants"] == F2
    assert groups["1-3"]["flash_participants"] == F2
    assert groups["7-10"]["flash_participants"] == 2


def test_the_event_cohort_has_the_participants_and_the_follow_on_cohort_the_pairs(event):
    at_event = report(cohort=event.cohort).overall.values(2)
    assert (at_event["flash_participants"], at_event["flash_usefulness"]) == (5, 3.6)
    assert at_event["flash_follow_on_pairs"] == F2
    after = report(cohort=event.follow_on).overall.values(2)
    assert after["flash_follow_on_pairs"] == 2
    assert after["flash_participants"] == F2


def test_the_range_bounds_each_flash_figure_by_its_own_date(event):
    march = report(since=dt.date(2027, 3, 1), until=dt.date(2027, 3, 31)).overall.values(2)
    assert march["flash_participants"] == 5
    assert march["flash_follow_on_pairs"] == F2  # formed in April
    april = report(since=dt.date(2027, 4, 1), until=dt.date(2027, 4, 30)).overall.values(2)
    assert april["flash_participants"] == F2
    assert april["flash_follow_on_pairs"] == 2
    assert april["flash_usefulness"] == 3.6  # answered on the day of the clock


def test_the_csv_rows_and_the_command_json_hold_the_flash_figures(event, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    rows = list(report_table(report(), text=False))
    assert ("overall", "All", "Flash event participants (at one round or more)", 5) in rows
    assert ("overall", "All", "Pairs formed after a flash event", 2) in rows
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("participation_report", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["overall"]["flash_participants"] == 5
    assert data["by_department"]["Eng"]["flash_usefulness"] == 4.0


def test_the_report_page_shows_the_flash_figures(event, client, make_user, settings):
    settings.REPORTS_MIN_GROUP_SIZE = 2
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_user(email="hr@example.org", is_hr_viewer=True))
        response = client.get(reverse("reports:participation"))
    html = response.content.decode()
    assert 'data-figure="flash_participants"' in html
    assert "Pairs formed after a flash event" in html
