from __future__ import annotations

from tests.permissions import (
    COORD,
    MENTEE,
    MENTOR,
    OTHER_COORD,
    Case,
    coordinators_only,
    everyone,
    signed_in,
)


def program(world: dict) -> dict:
    return {"slug": world["program"].slug}


def cohort(world: dict) -> dict:
    return {"slug": world["cohort"].slug}


CASES: dict[str, Case] = {
    "profiles:profile": Case(signed_in(200)),
    "profiles:availability": Case(signed_in(200)),
    "programs:program_list": Case(signed_in(200, user=404, mentor=404, mentee=404, hr=404)),
    "programs:program_create": Case(signed_in(403, site_admin=200)),
    "programs:program_detail": Case(coordinators_only(200), program),
    "programs:program_edit": Case(coordinators_only(200), program),
    "programs:question_create": Case(coordinators_only(200), program),
    "programs:question_edit": Case(
        coordinators_only(200), lambda w: program(w) | {"pk": w["question"].pk}
    ),
    "programs:question_delete": Case(
        coordinators_only(302), lambda w: program(w) | {"pk": w["question"].pk}, "post"
    ),
    "programs:cohort_create": Case(coordinators_only(200), program),
    "programs:cohort_detail": Case(coordinators_only(200), cohort),
    "programs:cohort_edit": Case(coordinators_only(200), cohort),
    "programs:cohort_status": Case(coordinators_only(302), cohort, "post"),
    "programs:enrolment_bulk": Case(coordinators_only(302), cohort, "post"),
    "programs:import_upload": Case(coordinators_only(200), cohort),
    "programs:import_preview": Case(
        coordinators_only(200), lambda w: cohort(w) | {"pk": w["pending_import"].pk}
    ),
    "programs:my_enrolments": Case(signed_in(200)),
    "programs:enrolment_respond": Case(
        signed_in(404, mentor=200), lambda w: {"pk": w["mentor_enrolment"].pk}
    ),
    "programs:open_cohorts": Case(signed_in(200)),
    "programs:apply": Case(signed_in(200), lambda w: {"slug": w["open_cohort"].slug}),
    "programs:invitation_accept": Case(everyone(302), lambda w: {"token": "not-a-token"}),
}


def extend_world(world: dict) -> None:
    from profiles.models import Person
    from programs.models import Cohort, Enrolment, EnrolmentQuestion, ParticipantImport
    from programs.services import cohort_create, program_create

    ours = program_create(name="Ours", slug="ours", coordinators=[world["users"][COORD]])
    program_create(name="Theirs", slug="theirs", coordinators=[world["users"][OTHER_COORD]])
    open_program = program_create(
        name="Open", slug="open", enrolment="open", coordinators=[world["users"][OTHER_COORD]]
    )
    our_cohort = cohort_create(program=ours, name="2027", slug="ours-2027")
    enrolments = {
        role: Enrolment.objects.create(
            cohort=our_cohort, person=Person.objects.create(user=world["users"][role]), role=role
        )
        for role in (MENTOR, MENTEE)
    }
    world.update(
        {
            "program": ours,
            "cohort": our_cohort,
            "open_cohort": cohort_create(
                program=open_program,
                name="Open 2027",
                slug="open-2027",
                status=Cohort.Status.ENROLLING,
            ),
            "question": EnrolmentQuestion.objects.create(program=ours, slug="focus", text="Focus?"),
            "mentor_enrolment": enrolments[MENTOR],
            "pending_import": ParticipantImport.objects.create(
                cohort=our_cohort, filename="people.csv", content="email,first_name,last_name\n"
            ),
        }
    )
