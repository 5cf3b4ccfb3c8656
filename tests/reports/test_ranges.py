"""Date ranges cannot be subtracted: two reports whose ranges differ by a day (refused: ranges are
whole months) or by a month (that month's few closures sit inside a longer period) never give
the figures of fewer than K people. The property test is in test_ranges_property.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from programs.models import Enrolment
from relationships.models import Mentorship
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, UserFactory

NOW = dt.datetime(2027, 6, 30, 18, tzinfo=dt.UTC)
CLOSED_EARLY = "Pairs closed early"
NO_TIME = "Closed early: No time"


@pytest.fixture
def closures(db, settings):
    """K = 5. Five pairs closed early for lack of time in May; on 30 June two more closed, one
    for lack of time and one for another reason. June alone is "fewer than 5"."""
    settings.REPORTS_MIN_GROUP_SIZE = 5
    with time_machine.travel(NOW, tick=False):
        cohort = CohortFactory(program=ProgramFactory(), status="active")
        ended = [dt.datetime(2027, 5, 3 + 5 * i, 12, tzinfo=dt.UTC) for i in range(5)]
        ended += [dt.datetime(2027, 6, 30, 9, tzinfo=dt.UTC)] * 2
        reasons = ["no_time"] * 6 + ["other"]
        for i, (when, reason) in enumerate(zip(ended, reasons, strict=True)):
            mentor, mentee = PersonFactory(), PersonFactory()
            for person, role in ((mentor, "mentor"), (mentee, "mentee")):
                Enrolment.objects.create(cohort=cohort, person=person, role=role, status="approved")
            pair = Mentorship.objects.create(
                cohort=cohort,
                mentor=mentor,
                status="closed",
                started_at=dt.datetime(2027, 1, 10 + i, tzinfo=dt.UTC),
                ended_at=when,
                close_reason=reason,
            )
            pair.mentees.set([mentee])
        hr = Client()
        hr.force_login(UserFactory(is_hr_viewer=True))
        yield hr


def figures(response) -> dict[str, str] | None:
    """The overall figures of a report CSV; None when the range was refused."""
    if response.status_code != 200:
        return None
    rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    return {row[2]: row[3] for row in rows if row[0] == "overall"}


def test_two_ranges_a_day_apart_do_not_give_away_that_day_s_closures(closures):
    """The reported probe: up to 29 June and up to 30 June moved "pairs closed early" 5 -> 7 and
    "no time" 5 -> 6 while 30 June alone said "fewer than 5"."""
    url = reverse("reports:report_export", args=["csv"])
    day = figures(closures.get(url, {"since": "2027-06-30", "until": "2027-06-30"}))
    before = figures(closures.get(url, {"since": "2027-05-01", "until": "2027-06-29"}))
    with_day = figures(closures.get(url, {"since": "2027-05-01", "until": "2027-06-30"}))
    assert day is None or not day[CLOSED_EARLY].isdigit()
    for figure in (CLOSED_EARLY, NO_TIME):
        pair = [f[figure] for f in (before, with_day) if f is not None]
        # Two numbers that differ are 30 June's closures, by subtraction.
        assert not (len(pair) == 2 and all(v.isdigit() for v in pair) and pair[0] != pair[1])
    # Ranges are whole months: the page says so instead of answering.
    page = closures.get(reverse("reports:participation"), {"since": "2027-05-31"})
    assert "Select a valid choice" in page.content.decode()
    assert 'id="summary"' not in page.content.decode()


def test_a_month_apart_the_few_closures_of_the_later_month_stay_hidden(closures):
    url = reverse("reports:report_export", args=["csv"])
    may = figures(closures.get(url, {"since": "2027-05", "until": "2027-05"}))
    may_june = figures(closures.get(url, {"since": "2027-05", "until": "2027-06"}))
    everything = figures(closures.get(url))
    # May's five closures and June's two are one period: May alone splits it.
    assert may[CLOSED_EARLY] == may[NO_TIME] == "not for this range"
    assert (may_june[CLOSED_EARLY], may_june[NO_TIME]) == ("7", "6")
    assert (everything[CLOSED_EARLY], everything[NO_TIME]) == ("7", "6")
    out = io.StringIO()
    call_command("participation_report", "--until", "2027-05", "--format", "json", stdout=out)
    overall = json.loads(out.getvalue())["overall"]
    assert overall["pairs_closed_early"] == overall["closed_no_time"] == "not for this range"
