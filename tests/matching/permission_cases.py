from __future__ import annotations

from tests.permissions import (
    COORD,
    MENTEE,
    MENTOR,
    Case,
    coordinators_only,
    signed_in,
)


def program(world: dict) -> dict:
    return {"slug": world["program"].slug}


def cohort(world: dict) -> dict:
    return {"slug": world["matching_cohort"].slug}


def run(world: dict) -> dict:
    return cohort(world) | {"pk": world["match_run"].pk}


def proposal(world: dict) -> dict:
    return cohort(world) | {"pk": world["proposal"].pk}


CASES: dict[str, Case] = {
    "matching:settings": Case(coordinators_only(200), program),
    "matching:cohort": Case(coordinators_only(200), cohort),
    "matching:runs": Case(coordinators_only(200), cohort),
    "matching:run_detail": Case(coordinators_only(200), run),
    "matching:run": Case(coordinators_only(302), cohort, "post"),
    "matching:publish": Case(coordinators_only(302), run, "post"),
    "matching:proposal_lock": Case(coordinators_only(302), proposal, "post"),
    "matching:proposal_reject": Case(coordinators_only(302), proposal, "post"),
    "matching:pair_by_hand": Case(coordinators_only(302), cohort, "post"),
    "matching:requests": Case(signed_in(200)),
    # Only the mentee's own enrolment; only the mentor answers, only the mentee withdraws.
    "matching:find_mentor": Case(
        signed_in(404, **{MENTEE: 200}), lambda w: {"pk": w["matching_mentee"].pk}
    ),
    "matching:directory": Case(
        signed_in(404, **{MENTEE: 200}), lambda w: {"pk": w["matching_mentee"].pk}
    ),
    # Only to the mentee whose directory lists the mentor.
    "matching:mentor_photo": Case(
        signed_in(404, **{MENTEE: 200}),
        lambda w: {"pk": w["matching_mentee"].pk, "mentor_pk": w["proposal"].mentor_id},
    ),
    "matching:request_create": Case(
        signed_in(404, **{MENTEE: 302}), lambda w: {"pk": w["matching_mentee"].pk}, "post"
    ),
    "matching:request_respond": Case(
        signed_in(404, **{MENTOR: 302}), lambda w: {"pk": w["mentor_request"].pk}, "post"
    ),
    "matching:request_withdraw": Case(
        signed_in(404, **{MENTEE: 302}), lambda w: {"pk": w["mentor_request"].pk}, "post"
    ),
}


def extend_world(world: dict) -> None:
    """A cohort of the coordinator's program with a run, a proposal and a pending request.

    The world's mentor and mentee enrol here too (their own people from the programs cases),
    so the participant pages have something of theirs and of nobody else's."""
    from datetime import timedelta

    from django.utils import timezone

    from matching.loading import settings_for
    from matching.models import MatchRun, MentorRequest, Proposal
    from profiles.models import Person
    from programs.models import Enrolment
    from programs.services import cohort_create

    users = world["users"]
    settings = settings_for(world["program"])
    settings.requests_allowed = True
    settings.save()
    matching_cohort = cohort_create(
        program=world["program"], name="Matching 2027", slug="ours-matching-2027"
    )
    enrolments = {
        role: Enrolment.objects.create(
            cohort=matching_cohort,
            person=Person.objects.get(user=users[role]),
            role=role,
            status=Enrolment.Status.APPROVED,
        )
        for role in (MENTOR, MENTEE)
    }
    match_run = MatchRun.objects.create(cohort=matching_cohort, run_by=users[COORD])
    now = timezone.now()
    world.update(
        {
            "matching_cohort": matching_cohort,
            "matching_mentee": enrolments[MENTEE],
            "match_run": match_run,
            "proposal": Proposal.objects.create(
                run=match_run,
                mentee=enrolments[MENTEE],
                mentor=enrolments[MENTOR],
                score=50,
                breakdown={"expertise": 50.0},
            ),
            "mentor_request": MentorRequest.objects.create(
                cohort=matching_cohort,
                mentee=enrolments[MENTEE],
                mentor=enrolments[MENTOR],
                expires_at=now + timedelta(days=14),
            ),
        }
    )
