"""Data-subject rights: a person's own copy, erasure by a site admin, pair content retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from goals.models import Goal
from relationships.models import Mentorship
from relationships.services import mentorship_close
from sessions.models import PrivateNote, SessionLog
from tests.permissions import ADMIN, COORD, HR, MENTEE, MENTOR
from tests.relationships.test_privacy import (  # noqa: F401 - the shared sentinel fixture
    CHECKIN,
    GOAL,
    MENTEE_PRIVATE,
    MENTOR_PRIVATE,
    MESSAGE,
    SHARED,
    crawl,
    known_urls,
    planted,
)

pytestmark = pytest.mark.django_db
NAME_FIRST, NAME_LAST = "Sentinelfirstname", "Sentinellastname"


EMAIL = "sentinel-mail-31f0@example.org"


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_person_downloads_everything_held_about_them(planted):  # noqa: F811
    mentee = planted["users"][MENTEE]
    response = signed_in(mentee).post(reverse("privacy:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    files = {name: json.loads(archive.read(name)) for name in archive.namelist()}
    assert files["profile.json"]["email"] == mentee.email
    assert [p["id"] for p in files["pairs.json"]] == [planted["mentorship"].pk]
    everything = json.dumps(files)
    assert [m["body"] for m in files["messages.json"]] == [f"Hi {MESSAGE}"]
    for own in (MENTEE_PRIVATE, GOAL, CHECKIN, SHARED):
        assert own in everything
    assert MENTOR_PRIVATE not in everything  # the partner's private note is theirs alone
    assert AuditEvent.objects.filter(action="data_export", actor=mentee).count() == 1


def test_after_erasure_the_persons_text_and_name_appear_nowhere(planted):  # noqa: F811
    mentee_user = planted["users"][MENTEE]
    type(mentee_user).objects.filter(pk=mentee_user.pk).update(
        first_name=NAME_FIRST, last_name=NAME_LAST, email=EMAIL
    )
    mentee_user.refresh_from_db()
    signed_in(mentee_user)  # a sign-in: an audit entry with their name
    sessions, goals = SessionLog.objects.count(), Goal.objects.count()
    person = mentee_user.person

    admin = signed_in(planted["users"][ADMIN])
    url = reverse("privacy:person_erase", args=[person.pk])
    assert NAME_FIRST in admin.get(url).content.decode()
    assert admin.post(url).status_code == 302

    sentinels = (MENTEE_PRIVATE, GOAL, CHECKIN, NAME_FIRST, NAME_LAST, EMAIL, MESSAGE)
    pages: dict[str, str] = {}
    for role in (ADMIN, MENTOR, COORD, HR):
        client = signed_in(planted["users"][role])
        pages |= {f"{role} {u}": b for u, b in crawl(client, known_urls(planted)).items()}
        for name in ("reports:report_export", "reports:pairs_export", "reports:sessions_export"):
            for fmt in ("csv",):
                response = client.get(reverse(name, args=[fmt]))
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                pages[f"{role} {name}.{fmt}"] = body.decode(errors="replace")
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    pages["dumpdata"] = dump.getvalue()
    leaks = {s: [u for u, body in pages.items() if s in body] for s in sentinels}
    assert {s: u for s, u in leaks.items() if u} == {}
    # What others wrote stays, and so do the counts.
    assert MENTOR_PRIVATE not in pages["dumpdata"]  # encrypted at rest
    assert any(SHARED in body for url, body in pages.items() if url.startswith(MENTOR))
    assert (SessionLog.objects.count(), Goal.objects.count()) == (sessions, goals)
    assert not PrivateNote.objects.filter(author=person).exists()
    assert PrivateNote.objects.filter(author=planted["mentorship"].mentor).exists()
    (entry,) = AuditEvent.objects.filter(action="data_erasure")
    assert entry.actor == planted["users"][ADMIN]
    mentee_user.refresh_from_db()
    assert not mentee_user.is_active and not mentee_user.has_usable_password()


def test_retention_deletes_the_content_of_pairs_ended_long_ago(planted, settings):  # noqa: F811
    pair = planted["mentorship"]
    mentorship_close(mentorship=pair, actor=None, reason="other", comment=GOAL)
    Mentorship.objects.filter(pk=pair.pk).update(ended_at=timezone.now() - timedelta(days=400))
    from governance.privacy import pair_content_prune

    settings.PAIR_CONTENT_RETENTION_MONTHS = 0
    assert pair_content_prune() == 0
    settings.PAIR_CONTENT_RETENTION_MONTHS = 24
    assert pair_content_prune() == 0  # not old enough yet
    assert SessionLog.objects.filter(mentorship=pair, shared_notes__contains=SHARED).exists()
    settings.PAIR_CONTENT_RETENTION_MONTHS = 12
    assert pair_content_prune() == 1

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    for sentinel in (SHARED, GOAL, CHECKIN):
        assert sentinel not in dump.getvalue()
    assert not PrivateNote.objects.filter(session__mentorship=pair).exists()
    assert SessionLog.objects.filter(mentorship=pair).exists()  # the rows stay for reports


def test_the_directory_admin_offers_erasure_for_one_person(client, make_user):
    from tests.factories import PersonFactory

    client.force_login(make_user(email="root@example.org", is_staff=True, is_superuser=True))
    person = PersonFactory()
    response = client.post(
        reverse("admin:profiles_person_changelist"),
        {"action": "erase_person", "_selected_action": [person.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:person_erase", args=[person.pk])
    assert (
        signed_in(make_user(email="staff@example.org", is_staff=True))
        .get(response["Location"])
        .status_code
        == 404
    )
