"""The monthly report to HR viewers: last month's headline figures and a link, once a month,
with the page's suppression (tests/reports/conftest.py: three mentors, five mentees)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from notifications.models import Dispatch
from notifications.services import notifications_scan, preferences_set
from reports.messages import HEADLINE, KIND_MONTHLY_REPORT
from tests.notifications.pairs import outbox_to, scan  # noqa: F401
from tests.reports.conftest import SENTINEL

pytestmark = pytest.mark.django_db

FEB_1 = dt.datetime(2027, 2, 1, 6, tzinfo=dt.UTC)
LINK = "/reports/?since=2027-01&until=2027-01"


def scan_at(scan, moment):  # noqa: F811
    with time_machine.travel(moment, tick=False):
        return scan()


@pytest.fixture
def second_hr(org, make_user):
    return make_user(email="hr2@example.org", is_hr_viewer=True)


def test_each_hr_viewer_gets_last_months_figures_once(org, second_hr, scan):  # noqa: F811
    # The last scan of January sends December's report, not January's yet.
    scan_at(scan, dt.datetime(2027, 1, 31, 23, 59, tzinfo=dt.UTC))
    assert not Dispatch.objects.filter(kind=KIND_MONTHLY_REPORT, occurrence="2027-01").exists()
    mail.outbox.clear()
    scan_at(scan, FEB_1)
    hr_mail = {user.email: outbox_to(user.email) for user in (org["hr"], second_hr)}
    assert {email: len(found) for email, found in hr_mail.items()} == {
        "hr@example.org": 1,
        "hr2@example.org": 1,
    }
    email = hr_mail["hr@example.org"][0]
    assert email.subject == "Mentoring report for January 2027"
    html = email.alternatives[0][0]
    # January: all five mentees enrolled, four matched; the three mentors are too few to show.
    assert "Mentees enrolled: 5" in email.body
    assert "Mentees matched (%): 80.0" in email.body
    assert "Mentors enrolled: fewer than 5" in email.body
    assert "Mentors enrolled: 3" not in email.body and "<td>3</td>" not in html
    assert LINK in email.body and LINK.replace("&", "&amp;") in html
    # Headline figures only: no breakdown (a department of two), and no content.
    for text in ("Sales", SENTINEL):
        assert text not in email.body and text not in html

    sent = len(mail.outbox)
    scan_at(scan, FEB_1 + dt.timedelta(hours=1))
    scan_at(scan, FEB_1 + dt.timedelta(days=10))
    assert len(mail.outbox) == sent  # once a month per person, however often the scan runs
    non_hr = [org["coordinator"].email, *(p.user.email for p in org["people"].values())]
    assert [m for m in mail.outbox if m.to[0] in non_hr] == []


def test_the_email_shows_what_the_page_shows_for_that_month(org, scan, client):  # noqa: F811
    scan_at(scan, FEB_1)
    body = outbox_to(org["hr"].email)[0].body
    client.force_login(org["hr"])
    with time_machine.travel(FEB_1, tick=False):
        page = client.get(LINK).context["report"]
    shown = {figure.key: (figure.label, value) for figure, value in page["summary"]}
    for key in HEADLINE:
        label, value = shown[key]
        assert f"{label}: {value}\n" in body


def test_a_first_scan_late_in_the_month_still_sends_last_months_report(org, scan):  # noqa: F811
    scan_at(scan, dt.datetime(2027, 3, 9, 12, tzinfo=dt.UTC))
    assert [m.subject for m in outbox_to(org["hr"].email)] == ["Mentoring report for February 2027"]


def test_someone_no_longer_an_hr_viewer_gets_no_report(org, scan):  # noqa: F811
    with time_machine.travel(FEB_1, tick=False):
        notifications_scan()  # planned, not sent yet
    type(org["hr"]).objects.filter(pk=org["hr"].pk).update(is_hr_viewer=False)
    scan_at(scan, FEB_1 + dt.timedelta(minutes=5))
    assert outbox_to(org["hr"].email) == []


def test_hr_viewers_can_switch_the_monthly_report_off(org, scan, client):  # noqa: F811
    client.force_login(org["hr"])
    page = client.get(reverse("notifications:preferences"))
    assert "reports" in page.context["form"].fields
    preferences_set(user=org["hr"], enabled={"reports": False}, in_app={"reports": False})
    scan_at(scan, FEB_1)
    assert outbox_to(org["hr"].email) == []
