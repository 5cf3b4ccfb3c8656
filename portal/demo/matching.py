"""Demo data for matching: a published run in the active cohort, one open mentee request."""

from __future__ import annotations

from core.errors import DomainError
from matching import selectors, services
from matching.loading import settings_for
from matching.models import MatchRun, MentorRequest
from programs.models import Cohort, Enrolment

ACTIVE_COHORT = "autumn-2026"
REQUEST_COHORT = "spring-2027"


def seed(stdout) -> None:
    """Safe to call again: a published cohort and an existing request are left alone."""
    _publish_active(stdout)
    _pending_request(stdout)


def _publish_active(stdout) -> None:
    cohort = Cohort.objects.select_related("program").filter(slug=ACTIVE_COHORT).first()
    if cohort is None:
        stdout.write(f"Matching: no cohort {ACTIVE_COHORT!r}, skipped.")
        return
    if cohort.match_runs.filter(status=MatchRun.Status.PUBLISHED).exists():
        stdout.write(f"Matching: {ACTIVE_COHORT} already published.")
        return
    try:
        run = services.match_run_create(cohort=cohort)
        mentorships = services.match_run_publish(run=run)
    except DomainError as exc:
        stdout.write(f"Matching: {ACTIVE_COHORT} not matched ({exc}).")
        return
    stdout.write(
        f"Matching: published {len(mentorships)} mentorships in {ACTIVE_COHORT} "
        f"({run.seconds:.2f} s)."
    )


def _pending_request(stdout) -> None:
    cohort = Cohort.objects.select_related("program").filter(slug=REQUEST_COHORT).first()
    if cohort is None:
        stdout.write(f"Matching: no cohort {REQUEST_COHORT!r}, skipped the request.")
        return
    if MentorRequest.objects.filter(cohort=cohort).exists():
        return
    settings = settings_for(cohort.program)
    if not settings.requests_allowed:
        settings.requests_allowed = True
        settings.save(update_fields=["requests_allowed", "updated_at"])
    mentees = Enrolment.objects.filter(
        cohort=cohort, role=Enrolment.Role.MENTEE, status=Enrolment.Status.APPROVED
    ).select_related("cohort__program", "person__user")
    for mentee in mentees.order_by("pk"):
        suggestions = selectors.suggested_mentors(mentee, limit=1)
        if not suggestions:
            continue
        request = services.mentor_request_create(
            mentee=mentee,
            mentor_enrolment_id=suggestions[0].mentor.enrolment,
            message="I would love to learn how you plan a career move. Could we talk?",
        )
        stdout.write(
            f"Matching: {mentee.person.name} asked {request.mentor.person.name} "
            f"in {REQUEST_COHORT}."
        )
        return
    stdout.write(f"Matching: no approved mentee in {REQUEST_COHORT} could ask anyone.")
