from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from profiles.models import Person
from programs.importing import cohort_import_participants
from programs.invitations import enrolment_for_token, invitation_token
from programs.models import Cohort, Enrolment, EnrolmentQuestion, Program
from programs.services import TransitionError, cohort_transition, enrolments_bulk_action

pytestmark = pytest.mark.django_db


def test_a_coordinator_with_permission_creates_a_program_and_runs_it(client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user(email="new-coordinator@example.org")
    user.user_permissions.add(Permission.objects.get(codename="create_program"))
    client.force_login(user)
    response = client.post(
        reverse("programs:program_create"),
        {
            "name": "Women in Engineering Leadership",
            "slug": "wiel",
            "format": "one_to_one",
            "enrolment": "invite_only",
            "default_capacity": 2,
            "cadence_days": 14,
            "pulse_every_days": 60,
            "confidentiality_statement": "Stays between us.",
        },
    )
    program = Program.objects.get(slug="wiel")
    assert response["Location"] == program.get_absolute_url()
    assert list(program.coordinators.all()) == [user]
    assert client.get(program.get_absolute_url()).status_code == 200


def test_program_form_shows_field_errors_and_writes_nothing(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:program_edit", args=[program.slug]),
        {"name": "", "format": "nonsense", "default_capacity": 0, "cadence_days": 14},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"name", "format", "default_capacity"} <= set(form.errors)
    program.refresh_from_db()
    assert program.name == "Leaders"


def test_choice_question_needs_two_options(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("programs:question_create", args=[program.slug])
    data = {"text": "Focus?", "slug": "focus", "kind": "single", "position": 0}
    response = client.post(url, data | {"choices_text": "only one"})
    assert "choices_text" in response.context["form"].errors
    response = client.post(url, data | {"choices_text": "growth\ndepth\n\ngrowth"})
    assert response.status_code == 302
    assert EnrolmentQuestion.objects.get(program=program).choices == ["growth", "depth"]


def test_question_slugs_are_unique_per_program(client, coordinator, program):
    EnrolmentQuestion.objects.create(program=program, slug="focus", text="Focus?")
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:question_create", args=[program.slug]),
        {"text": "Again?", "slug": "focus", "kind": "text", "position": 1},
    )
    assert "slug" in response.context["form"].errors


def test_cohort_dates_must_be_in_order(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("programs:cohort_create", args=[program.slug]),
        {"name": "Backwards", "slug": "backwards", "start_date": "2027-05-01",
         "end_date": "2027-01-01"},
    )  # fmt: skip
    assert "end_date" in response.context["form"].errors
    assert not Cohort.objects.filter(slug="backwards").exists()


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["enrolling", "matching", "active", "closed"], True),
        (["active"], False),
        (["enrolling", "matching", "enrolling"], True),
        (["closed", "enrolling"], False),
    ],
)
def test_cohort_status_moves_only_along_sensible_transitions(draft_cohort, path, allowed):
    if allowed:
        for status in path:
            draft_cohort = cohort_transition(cohort=draft_cohort, status=status)
        assert draft_cohort.status == path[-1]
    else:
        with pytest.raises(TransitionError):
            for status in path:
                draft_cohort = cohort_transition(cohort=draft_cohort, status=status)


def test_cohort_page_filters_searches_and_shows_supply_and_demand(
    client, coordinator, draft_cohort, enrol_email
):
    enrol_email(draft_cohort, "mia@example.org", "mentor", capacity=3)
    enrol_email(draft_cohort, "max@example.org", "mentor")
    for n in range(5):
        enrol_email(draft_cohort, f"mentee{n}@example.org", "mentee")
    Person.objects.filter(user__email="mia@example.org").update(department="Sales")
    client.force_login(coordinator)
    url = draft_cohort.get_absolute_url()
    response = client.get(url)
    cards = [(card.value, str(card.label)) for card in response.context["supply"]]
    assert cards == [
        (2, "mentors"),
        (4, "mentor places"),
        (5, "mentees"),
        (1, "more place needed"),
    ]
    assert response.context["page"].paginator.count == 7
    assert client.get(url, {"role": "mentor"}).context["page"].paginator.count == 2
    assert client.get(url, {"department": "Sales"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "mentee3"}).context["page"].paginator.count == 1


def test_cohort_page_queries_do_not_grow_with_participants(
    client, coordinator, draft_cohort, enrol_email, django_assert_max_num_queries
):
    client.force_login(coordinator)
    enrol_email(draft_cohort, "first@example.org", "mentor")
    enrol_email(draft_cohort, "applicant@example.org", "mentee", status="applied")
    with django_assert_max_num_queries(20) as few:
        response = client.get(draft_cohort.get_absolute_url())
    assert response.status_code == 200
    assert "first@example.org" in response.content.decode()
    for n in range(40):
        enrol_email(draft_cohort, f"more{n}@example.org", "mentee", status="applied")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(draft_cohort.get_absolute_url())
    html = response.content.decode()
    assert all(f"more{n}@example.org" in html for n in range(40))


def test_inviting_sends_a_one_time_sign_in_link(
    client, draft_cohort, enrol_email, django_capture_on_commit_callbacks
):
    enrolment = enrol_email(draft_cohort, "ivy@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        result = enrolments_bulk_action(cohort=draft_cohort, action="invite", enrolment_ids=None)
    assert result.changed == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ivy@example.org"]
    link = next(word for word in message.body.split() if "/invitation/" in word)
    path = urlsplit(link).path
    # Opening the link (as mail scanners do) shows the invitation and signs nobody in.
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200
        assert response.wsgi_request.user.is_anonymous
    response = client.post(path)
    assert response["Location"] == reverse("programs:enrolment_respond", args=[enrolment.pk])
    assert client.get(reverse("portal:dashboard")).status_code == 200
    # The same link again is worthless: signing in changed what it was bound to.
    client.logout()
    response = client.post(path, follow=True)
    assert "expired or was already used" in response.content.decode()
    assert response.wsgi_request.user.is_anonymous


def test_resending_counts_invitations_and_skips_people_who_answered(
    draft_cohort, enrol_email, django_capture_on_commit_callbacks
):
    invited = enrol_email(draft_cohort, "ivy@example.org")
    enrol_email(draft_cohort, "ann@example.org", status="approved")
    with django_capture_on_commit_callbacks(execute=True):
        enrolments_bulk_action(cohort=draft_cohort, action="invite", enrolment_ids=None)
    with django_capture_on_commit_callbacks(execute=True):
        enrolments_bulk_action(cohort=draft_cohort, action="resend", enrolment_ids=None)
    invited.refresh_from_db()
    assert invited.invitations_sent == 2
    assert [m.to for m in mail.outbox] == [["ivy@example.org"], ["ivy@example.org"]]


def test_imported_people_are_not_shown_as_invited_before_an_invitation_goes_out(
    client, coordinator, draft_cohort, django_capture_on_commit_callbacks
):
    data = b"email,first_name,last_name,role\nivy@example.org,Ivy,Example,mentee\n"
    cohort_import_participants(by=None, cohort=draft_cohort, data=data)
    client.force_login(coordinator)

    page = client.get(draft_cohort.get_absolute_url()).content.decode()
    assert "<td>Imported, not invited yet</td>" in page
    assert "<td>Invited</td>" not in page
    waiting = client.get(draft_cohort.get_absolute_url(), {"status": "not_invited"})
    assert waiting.context["page"].paginator.count == 1
    assert (
        client.get(draft_cohort.get_absolute_url(), {"status": "invited"})
        .context["page"]
        .paginator.count
        == 0
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("programs:enrolment_bulk", args=[draft_cohort.slug]),
            {"action": "invite", "scope": "all"},
        )
    page = client.get(draft_cohort.get_absolute_url()).content.decode()
    assert "<td>Imported, not invited yet</td>" not in page
    assert "<td>Invited</td>" in page
    assert len(mail.outbox) == 1


def test_inviting_again_warns_with_the_date_and_sends_nothing_unless_resending(
    client, coordinator, draft_cohort, enrol_email, django_capture_on_commit_callbacks
):
    first = dt.datetime(2026, 3, 4, 14, 5, tzinfo=dt.UTC)
    ivy = enrol_email(draft_cohort, "ivy@example.org", invitation_sent_at=first, invitations_sent=1)
    ann = enrol_email(draft_cohort, "ann@example.org")
    client.force_login(coordinator)
    url = reverse("programs:enrolment_bulk", args=[draft_cohort.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "invite", "scope": "all"})

    shown = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert shown == [
        ("success", "Invitation queued for 1 participant."),
        (
            "warning",
            "1 participant already has an invitation (the last one went out on 4 Mar 2026, "
            "14:05): nothing was sent to them. Choose “send the invitation again” (resend) to "
            "send another.",
        ),
    ]
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    ivy.refresh_from_db()
    ann.refresh_from_db()
    assert (ivy.invitations_sent, ann.invitations_sent) == (1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "resend", "scope": "selected", "enrolments": [ivy.pk]}
        )
    # The messages of the first post were never shown, so they come first.
    shown = [m.message for m in get_messages(response.wsgi_request)]
    assert shown[2:] == [
        "Invitation sent again to 1 participant. The previous invitation went out on "
        "4 Mar 2026, 14:05."
    ]
    assert mail.outbox[-1].to == ["ivy@example.org"]
    ivy.refresh_from_db()
    assert ivy.invitations_sent == 2


def test_a_tampered_invitation_token_is_refused(draft_cohort, enrol_email):
    token = invitation_token(enrol_email(draft_cohort, "ivy@example.org"))
    assert enrolment_for_token(token) is not None
    assert enrolment_for_token(token[:-2] + "xx") is None


def test_invited_person_confirms_with_answers(client, draft_cohort, enrol_email):
    EnrolmentQuestion.objects.create(
        program=draft_cohort.program, slug="focus", text="Focus?", kind="single",
        choices=["growth", "depth"], required=True,
    )  # fmt: skip
    enrolment = enrol_email(draft_cohort, "ivy@example.org", "mentor")
    client.force_login(enrolment.person.user)
    url = reverse("programs:enrolment_respond", args=[enrolment.pk])
    response = client.post(url, {"capacity": 2})
    assert "q_focus" in response.context["form"].errors
    response = client.post(url, {"capacity": 2, "q_focus": "depth", "expertise": "Python; python"})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.APPROVED
    assert enrolment.answers == {"focus": "depth"}
    assert enrolment.expertise == ["python"]
    assert enrolment.capacity == 2


def test_an_open_program_takes_applications_that_the_coordinator_decides(
    client, make_user, program, draft_cohort, django_capture_on_commit_callbacks
):
    program.enrolment = Program.Enrolment.OPEN
    program.save()
    cohort_transition(cohort=draft_cohort, status="enrolling")
    applicant = make_user(email="app@example.org")
    client.force_login(applicant)
    assert draft_cohort in client.get(reverse("programs:open_cohorts")).context["cohorts"]
    response = client.post(
        reverse("programs:apply", args=[draft_cohort.slug]),
        {"role": "mentee", "interests": "Sales"},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(person__user=applicant)
    assert (enrolment.status, enrolment.interests) == ("applied", ["sales"])
    # Applying twice is not possible: the cohort no longer shows as open to them.
    assert client.get(reverse("programs:apply", args=[draft_cohort.slug])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        enrolments_bulk_action(cohort=draft_cohort, action="approve", enrolment_ids=[enrolment.pk])
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"
    assert mail.outbox[-1].to == ["app@example.org"]
    assert "approved" in mail.outbox[-1].subject


def test_invite_only_cohorts_take_no_applications(client, make_user, draft_cohort):
    cohort_transition(cohort=draft_cohort, status="enrolling")
    client.force_login(make_user(email="app@example.org"))
    assert client.get(reverse("programs:apply", args=[draft_cohort.slug])).status_code == 404


def test_bulk_withdraw_from_the_cohort_page(client, coordinator, draft_cohort, enrol_email):
    a = enrol_email(draft_cohort, "a@example.org")
    b = enrol_email(draft_cohort, "b@example.org")
    client.force_login(coordinator)
    url = reverse("programs:enrolment_bulk", args=[draft_cohort.slug])
    response = client.post(url, {"action": "withdraw", "scope": "selected"}, follow=True)
    assert "Select at least one participant" in response.content.decode()
    client.post(url, {"action": "withdraw", "scope": "selected", "enrolments": [a.pk]})
    assert set(Enrolment.objects.values_list("person__user__email", "status")) == {
        ("a@example.org", "withdrawn"),
        ("b@example.org", "invited"),
    }
    assert b.pk


def test_a_coordinator_cannot_act_on_another_programs_enrolments(
    client, coordinator, draft_cohort, enrol_email
):
    from programs.services import cohort_create, program_create

    other = cohort_create(program=program_create(name="Other", slug="other"), name="x", slug="x")
    theirs = enrol_email(other, "theirs@example.org")
    client.force_login(coordinator)
    client.post(
        reverse("programs:enrolment_bulk", args=[draft_cohort.slug]),
        {"action": "withdraw", "scope": "selected", "enrolments": [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.status == "invited"


def test_people_edit_their_own_profile_but_not_their_reporting_line(client, make_user):
    user = make_user(email="pat@example.org")
    boss = Person.objects.create(user=make_user(email="boss@example.org"))
    Person.objects.create(user=user, manager=boss, seniority=4)
    client.force_login(user)
    response = client.post(
        reverse("profiles:profile"),
        {"first_name": "Pat", "last_name": "Lee", "timezone": "Asia/Tokyo", "languages": "xx"},
    )
    assert "languages" in response.context["form"].errors
    client.post(
        reverse("profiles:profile"),
        {"first_name": "Pat", "last_name": "Lee", "timezone": "Asia/Tokyo", "languages": "ja; en",
         "manager": "", "seniority": 10},
    )  # fmt: skip
    person = Person.objects.select_related("user").get(user=user)
    assert (person.user.timezone, person.languages) == ("Asia/Tokyo", ["ja", "en"])
    assert (person.manager, person.seniority) == (boss, 4)


@pytest.mark.parametrize("change", ["withdrawn", "inactive"])
def test_an_invitation_link_never_opens_a_closed_enrolment(draft_cohort, enrol_email, change):
    enrolment = enrol_email(draft_cohort, "ivy@example.org")
    token = invitation_token(enrolment)
    user = enrolment.person.user
    if change == "inactive":
        user.is_active = False
        user.save()
    else:
        Enrolment.objects.filter(pk=enrolment.pk).update(status="withdrawn")
    assert enrolment_for_token(token) is None


@pytest.mark.parametrize(
    "rights", ["site admin", "coordinator", "coordinator elsewhere", "HR viewer", "permission"]
)
def test_an_invitation_link_makes_an_account_with_rights_sign_in_as_usual(
    client, draft_cohort, enrol_email, password, rights
):
    from django.contrib.auth.models import Permission

    from programs.services import program_create

    enrolment = enrol_email(draft_cohort, "ivy@example.org")
    user = enrolment.person.user
    if rights == "site admin":
        user.is_staff = True
    elif rights == "coordinator":
        draft_cohort.program.coordinators.add(user)
    elif rights == "coordinator elsewhere":
        program_create(name="Other", slug="other", coordinators=[user])
    elif rights == "HR viewer":
        user.is_hr_viewer = True
    else:
        user.user_permissions.add(Permission.objects.get(codename="create_program"))
    user.save()
    link = reverse("programs:invitation_accept", args=[invitation_token(enrolment)])
    respond = reverse("programs:enrolment_respond", args=[enrolment.pk])
    sign_in = f"{reverse('account_login')}?next={respond.replace('/', '%2F')}"

    # Neither opening the link nor its button signs in: both lead to the sign-in page.
    for response in (client.get(link), client.post(link)):
        assert response["Location"] == sign_in
        assert "_auth_user_id" not in client.session
    page = client.get(sign_in)
    assert "sign in as usual, and the invitation opens next" in page.content.decode()
    response = client.post(sign_in, {"login": user.email, "password": password})
    assert response["Location"] == respond
    assert client.get(respond).status_code == 200
    # Signed in, a link sent since leads straight to the invitation.
    user.refresh_from_db()
    resent = reverse("programs:invitation_accept", args=[invitation_token(enrolment)])
    assert client.get(resent)["Location"] == respond
