from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from programs import tasks
from programs.models import Cohort, Enrolment, Format, Program


class TransitionError(ValueError):
    pass


@transaction.atomic
def program_create(
    *,
    name: str,
    slug: str,
    format: str = Format.ONE_TO_ONE,
    coordinators=(),
    **fields: object,
) -> Program:
    program = Program(name=name, slug=slug, format=format, **fields)
    program.full_clean()
    program.save()
    program.coordinators.set(coordinators)
    return program


@transaction.atomic
def cohort_create(
    *,
    program: Program,
    name: str,
    slug: str,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    enrolment_opens: dt.date | None = None,
    enrolment_closes: dt.date | None = None,
    status: str = Cohort.Status.DRAFT,
) -> Cohort:
    cohort = Cohort(
        program=program,
        name=name,
        slug=slug,
        start_date=start_date,
        end_date=end_date,
        enrolment_opens=enrolment_opens,
        enrolment_closes=enrolment_closes,
        status=status,
    )
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def cohort_transition(*, cohort: Cohort, status: str) -> Cohort:
    # Lock the row: two coordinators clicking at once must not skip a state.
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not locked.can_move_to(status):
        raise TransitionError(
            f"A cohort that is {locked.get_status_display().lower()} cannot become {status}."
        )
    locked.status = status
    locked.save(update_fields=["status"])
    return locked


# --- Enrolments -----------------------------------------------------------------------------
BULK_ACTIONS = ("invite", "approve", "decline", "withdraw")
# Which enrolments each bulk action applies to; the rest of a selection is left alone.
_ACTION_FROM = {
    "invite": (Enrolment.Status.INVITED,),
    "approve": (Enrolment.Status.INVITED, Enrolment.Status.APPLIED),
    "decline": (Enrolment.Status.APPLIED, Enrolment.Status.INVITED),
    "withdraw": (
        Enrolment.Status.INVITED,
        Enrolment.Status.APPLIED,
        Enrolment.Status.APPROVED,
    ),
}
_ACTION_TO = {
    "approve": Enrolment.Status.APPROVED,
    "decline": Enrolment.Status.DECLINED,
    "withdraw": Enrolment.Status.WITHDRAWN,
}


@transaction.atomic
def enrolments_bulk_action(*, cohort: Cohort, action: str, enrolment_ids=None) -> int:
    """Apply a coordinator's action to a selection (None = everyone it applies to).

    Returns how many enrolments it changed."""
    if action not in BULK_ACTIONS:
        raise ValueError(f"Unknown action {action!r}.")
    selection = cohort.enrolments.filter(status__in=_ACTION_FROM[action])
    if enrolment_ids is not None:
        selection = selection.filter(pk__in=enrolment_ids)
    ids = list(selection.values_list("pk", flat=True))
    now = timezone.now()
    if action == "invite":
        selection.update(
            invitation_sent_at=now, invitations_sent=F("invitations_sent") + 1, updated_at=now
        )
        for pk in ids:
            transaction.on_commit(partial(tasks.send_invitation.delay, pk))
        return len(ids)
    applied = selection.filter(status=Enrolment.Status.APPLIED)
    applicants = list(applied.values_list("pk", flat=True))
    selection.update(status=_ACTION_TO[action], responded_at=now, updated_at=now)
    if action in ("approve", "decline"):
        # Applicants asked; they hear the answer. Invited people hear through their invitation.
        for pk in applicants:
            transaction.on_commit(partial(tasks.send_application_decision.delay, pk))
    return len(ids)


@transaction.atomic
def enrolment_apply(
    *, cohort: Cohort, person, role: str, answers: dict, **details: object
) -> Enrolment:
    if not cohort.accepts_applications:
        raise TransitionError("This cohort is not taking applications.")
    enrolment, created = Enrolment.objects.get_or_create(
        cohort=cohort,
        person=person,
        defaults={"role": role, "status": Enrolment.Status.APPLIED, "answers": answers, **details},
    )
    if not created:
        if enrolment.status != Enrolment.Status.WITHDRAWN:
            raise TransitionError("You are already enrolled in this cohort.")
        for key, value in {"role": role, "answers": answers, **details}.items():
            setattr(enrolment, key, value)
        enrolment.status = Enrolment.Status.APPLIED
        enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_respond(
    *, enrolment: Enrolment, accept: bool, answers: dict, **details: object
) -> Enrolment:
    """The person answers their invitation: confirm (with their answers) or decline."""
    if enrolment.status not in (Enrolment.Status.INVITED, Enrolment.Status.APPROVED):
        raise TransitionError("This enrolment can no longer be changed here.")
    enrolment.answers = answers
    for key, value in details.items():
        setattr(enrolment, key, value)
    enrolment.status = Enrolment.Status.APPROVED if accept else Enrolment.Status.DECLINED
    enrolment.responded_at = timezone.now()
    enrolment.save()
    return enrolment
