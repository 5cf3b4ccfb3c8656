"""Every page names people in the program's own words: a peer program has partners, never
mentors and mentees, and no count on any page is negative."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from matching.services import match_run_create, match_run_publish
from programs.models import Enrolment, Format
from programs.services import cohort_create, program_create
from relationships.services import agreement_confirm
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_WORD = re.compile(r"\bment(?:or|ee)s?\b", re.IGNORECASE)
NEGATIVE = re.compile(r"(?<![\w-])[-−]\d")


def main_text(response) -> str:
    """The page's main content as a reader sees it: the text between the tags."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def person(email: str, first_name: str, **fields):
    user = UserFactory(email=email, first_name=first_name, last_name="Test")
    return PersonFactory(user=user, **fields)


@pytest.fixture
def peer_cohort(coordinator):
    program = program_create(
        name="Peer Circles", slug="circles", format=Format.PEER, coordinators=[coordinator]
    )
    cohort = cohort_create(program=program, name="Circles 2027", slug="circles-2027")
    departments = ["Sales", "Legal", "Finance"]
    for n, name in enumerate(["Dara", "Lee", "Ira"]):
        Enrolment.objects.create(
            cohort=cohort,
            person=person(f"{name.lower()}@example.org", name, department=departments[n]),
            role=Enrolment.Role.BOTH,
            status=Enrolment.Status.APPROVED,
            expertise=["python"],
            interests=["python"],
        )
    return cohort


def test_peer_cohort_page_counts_partners_and_no_figure_is_negative(
    client, coordinator, peer_cohort
):
    client.force_login(coordinator)
    response = client.get(peer_cohort.get_absolute_url())
    text = main_text(response)
    assert not ROLE_WORD.findall(text)
    assert not NEGATIVE.findall(text)
    cards = [(card.value, str(card.label)) for card in response.context["supply"]]
    # Three people make one pair; the odd one out needs one more person to pair with.
    assert cards == [(3, "partners"), (1, "pair"), (1, "more place needed")]
    assert text.count("Partner") >= 3  # the role column of every participant


def test_one_to_one_shortfall_reads_as_places_needed_never_a_negative_count(client, coordinator):
    program = program_create(name="Leaders", slug="leaders", coordinators=[coordinator])
    cohort = cohort_create(program=program, name="2027", slug="leaders-2027")
    Enrolment.objects.create(
        cohort=cohort, person=person("mia@example.org", "Mia"), role="mentor", capacity=1
    )
    # Someone on both sides offers places too, as matching counts them.
    Enrolment.objects.create(cohort=cohort, person=person("bo@example.org", "Bo"), role="both")
    for n in range(4):
        Enrolment.objects.create(
            cohort=cohort, person=person(f"m{n}@example.org", f"M{n}"), role="mentee"
        )
    client.force_login(coordinator)
    response = client.get(cohort.get_absolute_url())
    cards = [(card.value, str(card.label), card.alert) for card in response.context["supply"]]
    assert cards == [
        (2, "mentors", False),
        (2, "mentor places", False),
        (5, "mentees", False),
        (3, "more places needed", True),
    ]
    assert not NEGATIVE.findall(main_text(response))
    assert "Mentor and mentee" in main_text(response)  # Bo's role, not "Both (peer)"


def test_peer_program_page_shows_one_count_of_partners_and_no_capacity(
    client, coordinator, peer_cohort
):
    client.force_login(coordinator)
    text = main_text(client.get(peer_cohort.program.get_absolute_url()))
    assert not ROLE_WORD.findall(text)
    assert "Partners" in text
    assert "by default" not in text  # a partner takes one partner, no capacity


def test_peer_application_asks_no_capacity_and_offers_partner(client, peer_cohort, make_user):
    program = peer_cohort.program
    program.enrolment = "open"
    program.save()
    peer_cohort.status = "enrolling"
    peer_cohort.save()
    client.force_login(make_user(email="new@example.org"))
    response = client.get(reverse("programs:apply", args=[peer_cohort.slug]))
    form = response.context["form"]
    assert "capacity" not in form.fields
    assert form.fields["role"].choices == [("both", "Partner")]
    assert not ROLE_WORD.findall(main_text(response))
    response = client.post(
        reverse("programs:apply", args=[peer_cohort.slug]),
        {"role": "both", "expertise": "sql", "interests": "python", "capacity": "5"},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person__user__email="new@example.org")
    assert (enrolment.role, enrolment.capacity) == ("both", None)


def test_peer_invitation_answer_form_asks_no_capacity(client, peer_cohort):
    enrolment = peer_cohort.enrolments.get(person__user__email="dara@example.org")
    enrolment.status = "invited"
    enrolment.save()
    client.force_login(enrolment.person.user)
    response = client.get(reverse("programs:enrolment_respond", args=[enrolment.pk]))
    assert "capacity" not in response.context["form"].fields
    assert not ROLE_WORD.findall(main_text(response))


@pytest.fixture
def peer_pair(peer_cohort, django_capture_on_commit_callbacks):
    peer_cohort.status = "matching"
    peer_cohort.save()
    run = match_run_create(cohort=peer_cohort)
    with django_capture_on_commit_callbacks(execute=True):
        [mentorship] = match_run_publish(run=run)
    return mentorship


def test_peer_matching_page_speaks_of_partners_and_pairs(client, coordinator, peer_cohort):
    peer_cohort.status = "matching"
    peer_cohort.save()
    run = match_run_create(cohort=peer_cohort)
    client.force_login(coordinator)
    text = main_text(client.get(reverse("matching:cohort", args=[peer_cohort.slug])))
    assert not ROLE_WORD.findall(text)
    assert "2 of 3 partners matched in 1 pair" in text
    assert run.unmatched.get().reason_label == "Every suitable partner is already taken"
    history = main_text(client.get(reverse("matching:runs", args=[peer_cohort.slug])))
    assert not ROLE_WORD.findall(history)


def test_peer_pair_page_dashboard_and_email_say_partner(client, peer_pair):
    assert mail.outbox
    for message in mail.outbox:
        assert not ROLE_WORD.findall(message.subject + message.body)
        assert "your partner" in message.body
    first, second = peer_pair.members()
    client.force_login(second.user)
    text = main_text(client.get(peer_pair.get_absolute_url()))
    assert not ROLE_WORD.findall(text)
    # The other one is named as the partner, never the reader themself.
    assert f"partner: {first.name}" in text
    assert f"partner: {second.name}" not in text
    assert f"{first.name} commits to" in text and f"{second.name} commits to" in text
    dashboard = main_text(client.get(reverse("relationships:mentorship_list")))
    assert not ROLE_WORD.findall(dashboard)
    assert f"Paired with {first.name}" in dashboard


def test_peer_relationship_health_names_partners(client, coordinator, peer_pair):
    for member in peer_pair.members():
        agreement_confirm(mentorship=peer_pair, person=member, actor=member.user)
    client.force_login(coordinator)
    url = reverse("relationships:cohort_health", args=[peer_pair.cohort.slug])
    assert not ROLE_WORD.findall(main_text(client.get(url)))


@pytest.mark.parametrize("fmt", ["one_to_one", "group", "reverse", "flash"])
def test_formats_with_two_sides_keep_mentor_and_mentee(fmt):
    from programs.roles import BY_FORMAT

    # Reverse mentoring flips who is senior, not who mentors: the junior person is the mentor.
    roles = BY_FORMAT[fmt]
    assert (roles.mentor, roles.mentee, roles.asks_capacity) == ("mentor", "mentee", True)
    assert roles.pair_mentees == ("mentees" if fmt == "group" else "mentee")
