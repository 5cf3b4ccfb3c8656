"""The admin shows neither a pair's close comment nor a mentor request's message.

Apart from tests/relationships/test_privacy.py, whose tests share one planted world."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone


def test_the_admin_shows_no_close_comment_or_request_message(
    client, make_user, proposed_mentorship, active_cohort, mentor, mentee
):
    from matching.models import MentorRequest
    from programs.models import Enrolment

    proposed_mentorship.close_comment = "SENTINEL-close-comment"
    proposed_mentorship.save()
    request = MentorRequest.objects.create(
        cohort=active_cohort,
        mentee=Enrolment.objects.get(cohort=active_cohort, person=mentee),
        mentor=Enrolment.objects.get(cohort=active_cohort, person=mentor),
        message="SENTINEL-request-message",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    admin_user = make_user(email="root@example.org", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for url in (
        reverse("admin:relationships_mentorship_change", args=[proposed_mentorship.pk]),
        reverse("admin:matching_mentorrequest_change", args=[request.pk]),
        reverse("admin:matching_mentorrequest_changelist"),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert b"SENTINEL" not in page.content, url
    # Pairs are made through matching's checks, never typed into the admin.
    assert client.get(reverse("admin:relationships_mentorship_add")).status_code == 403
