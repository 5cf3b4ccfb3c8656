"""Sentences that templates put together from parts read as sentences: no space before a
comma or full stop, and lists of people joined the way people write them."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from core.templatetags.text import names
from relationships.models import Mentorship
from relationships.services import agreement_for
from scheduling.services import meeting_cancel, meeting_schedule
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, paired

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return " ".join(strip_tags(html).split())


@pytest.fixture
def group(make_user):
    """A mentor with two mentees, active, in a program that meets every 14 days."""
    cohort = CohortFactory(program=ProgramFactory(slug="circle", cadence_days=14), slug="c-1")
    mentor, ann, bob = (
        PersonFactory(user=make_user(email=f"{n.lower()}@example.org", first_name=n, last_name=""))
        for n in ("Mona", "Ann", "Bob")
    )
    mentorship = paired(cohort=cohort, mentor=mentor, mentees=[ann, bob])
    Mentorship.objects.filter(pk=mentorship.pk).update(status="active", started_at=timezone.now())
    mentorship.refresh_from_db()
    return mentorship


def test_names_are_listed_as_a_sentence_lists_them():
    people = [SimpleNamespace(name=n) for n in ("Ann", "Bob", "Cem")]
    assert names(people[:1]) == "Ann"
    assert names(people[:2]) == "Ann and Bob"
    assert names(people) == "Ann, Bob and Cem"
    assert names([]) == ""


def test_the_agreement_reads_every_14_days_preferably_video(client, group):
    agreement = agreement_for(group)
    agreement.preferred_format = "video"
    agreement.save()
    client.force_login(group.mentor.user)
    page = text_of(client.get(group.get_absolute_url()).content.decode())
    assert "We meet every 14 days, preferably video" in page


def test_the_meeting_form_and_the_cancellation_name_the_others_in_a_sentence(
    client, group, django_capture_on_commit_callbacks
):
    client.force_login(group.mentor.user)
    page = text_of(
        client.get(reverse("scheduling:meeting_create", args=[group.pk])).content.decode()
    )
    assert "With Ann and Bob. Everyone gets an email" in page

    meeting = meeting_schedule(
        mentorship=group, scheduled_by=group.mentor.user, start=timezone.now() + timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=group.mentor.user)
    (to_mona,) = [m for m in mail.outbox if m.to == ["mona@example.org"]]
    html = text_of(to_mona.alternatives[0][0])
    assert "with Ann and Bob is cancelled" in html
    assert "with Ann and Bob is cancelled" in " ".join(to_mona.body.split())


def test_the_profile_names_the_manager_without_a_stray_space(make_user):
    manager = PersonFactory(user=make_user(email="boss@example.org", first_name="Bea"))
    person = PersonFactory(user=make_user(email="me@example.org"), manager=manager)
    client = Client()
    client.force_login(person.user)
    page = text_of(client.get(reverse("profiles:profile")).content.decode())
    assert f"from the HR directory (manager: {manager.name}); ask HR to change them." in page
