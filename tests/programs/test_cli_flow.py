"""The command line takes a cohort from a CSV to a published matching, with no browser:
the same commands as scripts/cohort_from_csv.sh, called in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.core.management.base import CommandError

from matching.models import MatchRun, Proposal
from matching.services import match_run_create, proposal_lock
from programs.models import Cohort, Enrolment
from relationships.models import Mentorship
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory
from tests.support.commands import people_file
from tests.support.commands import run_command as run

pytestmark = pytest.mark.django_db


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    """Sixty people, mentors and mentees, with managers, standard columns only."""
    return people_file(tmp_path, 60, seed=3)


def test_the_command_line_takes_a_csv_to_a_published_matching(people_csv):
    run("create_cohort", "leadership", "leadership-2027", "--start", "2027-03-01")
    imported = run("import_participants", "leadership-2027", str(people_csv), "--enrol")
    published = run("run_matching", "leadership-2027", "--publish")

    cohort = Cohort.objects.get(slug="leadership-2027")
    enrolled = cohort.enrolments.count()
    assert enrolled > 20
    assert f"60 created, 0 updated, 0 unchanged, 0 with errors. {enrolled} added" in imported
    assert f"Approved {enrolled} participants." in imported
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"approved"}
    run_ = MatchRun.objects.get(cohort=cohort)
    assert run_.status == MatchRun.Status.PUBLISHED
    pairs = Mentorship.objects.filter(cohort=cohort).count()
    assert pairs > 10
    assert pairs == run_.proposals.count() == Proposal.objects.exclude(mentorship=None).count()
    assert "Published." in published


def test_without_enrol_the_import_invites_and_matching_has_nobody_yet(people_csv):
    run("create_cohort", "leadership", "leadership-2027")
    run("import_participants", "leadership-2027", str(people_csv))

    with pytest.raises(CommandError, match="no approved mentors"):
        run("run_matching", "leadership-2027", "--publish")

    run("cohort_enrolments", "leadership-2027", "approve")
    assert "Published." in run("run_matching", "leadership-2027", "--publish")


def test_import_with_invite_sends_each_invitation_once(
    people_csv, django_capture_on_commit_callbacks
):
    run("create_cohort", "leadership", "leadership-2027")
    with django_capture_on_commit_callbacks(execute=True):
        first = run("import_participants", "leadership-2027", str(people_csv), "--invite")
    cohort = Cohort.objects.get(slug="leadership-2027")
    enrolled = cohort.enrolments.count()
    assert f"Invitations queued for {enrolled} participants." in first
    assert len(mail.outbox) == enrolled
    assert not cohort.enrolments.filter(invitation_sent_at=None).exists()

    with django_capture_on_commit_callbacks(execute=True):
        again = run("import_participants", "leadership-2027", str(people_csv), "--invite")

    assert f"{enrolled} participants already have an invitation" in again
    assert len(mail.outbox) == enrolled


def test_enrol_and_invite_cannot_go_together(people_csv):
    CohortFactory(slug="leadership-2027")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("import_participants", "leadership-2027", str(people_csv), "--enrol", "--invite")


def test_a_dry_run_prints_each_change_as_before_and_after(tmp_path):
    cohort = CohortFactory(slug="spring")
    PersonFactory(
        user__email="dora@example.org",
        user__first_name="Dora",
        user__last_name="Example",
        job_title="Account lead",
        location="Lyon",
    )
    path = tmp_path / "people.csv"
    path.write_text(
        "email,first_name,last_name,job_title,location,bio\n"
        "dora@example.org,Dora,Example,Head of sales,,-\n"
    )

    out = run("import_participants", cohort.slug, str(path), "--dry-run")

    assert "line 2, dora@example.org: update: job_title: Account lead → Head of sales" in out
    assert "location" not in out  # blank: kept, so not a change
    assert "0 created, 1 updated, 0 unchanged, 0 with errors." in out
    assert "Dry run: nothing was written." in out


# --- cohort_enrolments -----------------------------------------------------------------------


@pytest.fixture
def pending():
    cohort = CohortFactory(slug="spring")
    return cohort, [
        EnrolmentFactory(cohort=cohort, person__user__email=email, status=status)
        for email, status in [
            ("app@example.org", "applied"),
            ("inv@example.org", "invited"),
            ("no@example.org", "declined"),
        ]
    ]


def test_cohort_enrolments_approves_pending_applications_and_invitations(pending):
    cohort, _ = pending

    out = run("cohort_enrolments", "spring", "approve")

    assert "Approved 2 participants." in out
    assert dict(cohort.enrolments.values_list("person__user__email", "status")) == {
        "app@example.org": "approved",
        "inv@example.org": "approved",
        "no@example.org": "declined",
    }


def test_cohort_enrolments_acts_on_the_people_named_only(pending):
    cohort, _ = pending

    run("cohort_enrolments", "spring", "approve", "--email", "APP@example.org")

    assert cohort.enrolments.get(status="approved").person.user.email == "app@example.org"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["spring", "adopt"], "Unknown action “adopt”: use one of invite, resend"),
        (["autumn", "approve"], "There is no cohort with the slug “autumn”"),
        (["spring", "approve", "--email", "who@example.org"], "Not enrolled in spring: who@"),
    ],
)
def test_cohort_enrolments_refuses_mistakes_and_changes_nothing(pending, args, message):
    cohort, _ = pending
    before = list(cohort.enrolments.values_list("status", flat=True))

    with pytest.raises(CommandError, match=message):
        run("cohort_enrolments", *args)

    assert list(cohort.enrolments.values_list("status", flat=True)) == before


# --- run_matching --publish-run ----------------------------------------------------------------


@pytest.fixture
def matched(people_csv):
    run("create_cohort", "leadership", "leadership-2027")
    run("import_participants", "leadership-2027", str(people_csv), "--enrol")
    return Cohort.objects.get(slug="leadership-2027")


def test_publish_run_latest_publishes_the_stored_draft_as_it_is(matched):
    draft = match_run_create(cohort=matched)
    kept = sorted(draft.proposals.values_list("mentee_id", "mentor_id"))

    out = run("run_matching", "leadership-2027", "--publish-run", "latest")

    assert MatchRun.objects.filter(cohort=matched).count() == 1  # no new run
    draft.refresh_from_db()
    assert draft.status == MatchRun.Status.PUBLISHED
    assert f"run #{draft.pk}" in out and "Published." in out
    pairs = Mentorship.objects.filter(cohort=matched).count()
    assert pairs == len(kept) > 0


def test_publish_run_by_number_and_its_mistakes(matched):
    older = match_run_create(cohort=matched)
    proposal_lock(proposal=older.proposals.first())
    latest = match_run_create(cohort=matched)

    with pytest.raises(CommandError, match="Only the latest run can be published"):
        run("run_matching", "leadership-2027", "--publish-run", str(older.pk))
    with pytest.raises(CommandError, match="has no draft run #999"):
        run("run_matching", "leadership-2027", "--publish-run", "999")
    with pytest.raises(CommandError, match="not 'last'"):
        run("run_matching", "leadership-2027", "--publish-run", "last")
    assert not Mentorship.objects.exists()

    run("run_matching", "leadership-2027", "--publish-run", str(latest.pk))

    latest.refresh_from_db()
    assert latest.status == MatchRun.Status.PUBLISHED
    # Nothing is left to publish: a cohort publishes again only from a new run.
    with pytest.raises(CommandError, match="no draft run to publish"):
        run("run_matching", "leadership-2027", "--publish-run", "latest")


def test_imported_and_enrolled_people_keep_their_status_on_reimport(matched, people_csv):
    out = run("import_participants", "leadership-2027", str(people_csv), "--enrol")

    assert "0 created, 0 updated, 60 unchanged" in out
    assert set(Enrolment.objects.values_list("status", flat=True)) == {"approved"}
