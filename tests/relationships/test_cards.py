"""Profile cards on the pair page and the coordinator's page of the pair."""

from __future__ import annotations

from django.urls import reverse

from profiles.photos import photo_from_upload
from profiles.services import profile_photo_set
from tests.factories import UserFactory
from tests.support.images import image_bytes, upload


def test_the_pair_and_its_coordinators_see_the_card_and_the_photo_others_do_not(
    client, active_mentorship, mentor, mentee, program
):
    mentor.job_title, mentor.department, mentor.location = "Staff engineer", "Platform", "Berlin"
    mentor.bio, mentor.languages = "Mentoring for 10 years.", ["de", "en"]
    mentor.save()
    mentor.user.timezone = "Europe/Berlin"
    mentor.user.save()
    mentor_enrolment = mentor.enrolments.get(cohort=active_mentorship.cohort)
    mentor_enrolment.expertise = ["Negotiation"]
    mentor_enrolment.save()
    profile_photo_set(person=mentor, photo=photo_from_upload(upload(image_bytes())))
    photo_url = reverse("relationships:member_photo", args=[active_mentorship.pk, mentor.pk])

    client.force_login(mentee.user)
    page = client.get(active_mentorship.get_absolute_url()).content.decode()
    for text in (
        "Staff engineer",
        "Platform",
        "Berlin",
        "mentor@example.org",
        "Negotiation",
        "German",
        "Mentoring for 10 years.",
        "there now (Europe/Berlin)",
        photo_url,
    ):
        assert text in page, text  # fmt: skip
    assert client.get(photo_url).status_code == 200
    # The mentee has no photo: the mentor sees their initials.
    client.force_login(mentor.user)
    assert ">MM</span>" in client.get(active_mentorship.get_absolute_url()).content.decode()

    coordinator = UserFactory(email="coord@example.org")
    program.coordinators.add(coordinator)
    client.force_login(coordinator)
    manage = client.get(reverse("relationships:mentorship_manage", args=[active_mentorship.pk]))
    assert "Staff engineer" in manage.content.decode() and photo_url in manage.content.decode()
    assert client.get(photo_url).status_code == 200

    client.force_login(UserFactory(email="outsider@example.org"))
    assert client.get(photo_url).status_code == 404
