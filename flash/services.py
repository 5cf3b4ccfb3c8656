"""Planning a flash event's rounds, re-planning them on the day, and publishing the plan.

One path into the core for the event page, `plan_flash_rounds` and the demo data:

- `rotation_plan_create` loads the cohort's approved enrolments as the matching runs do
  (`matching.loading.load_cohort`: the program's weights, its optional rules, the reporting
  chain of the whole directory, forbidden pairs), plans with `matching.engine.plan_flash_event`
  and stores one `Meeting` per seat and the figures in `RotationPlan`. Rounds already held stay
  as they are; only the later rounds are replaced, in one transaction.
- Someone enrolled as "both" sits on one side for the whole event (never mentor and mentee in
  the same round): the side they had in the plan before, otherwise the side that seats the
  most people (see `split_both`).
- Each mentor hosts at one table for the whole event: the one they had, else the first free
  table by position. When an event has fewer tables than mentors, planning adds the missing
  ones, named "Table N"; the coordinator renames them or adds links in the event settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from flash.models import Attendance, Meeting, RotationPlan
from matching.engine import plan_flash_event
from matching.loading import load_cohort
from notifications.registry import Message, occurrence_stamp
from notifications.services import dispatches_create_now
from programs.models import Cohort, Enrolment, FlashEvent, FlashTable, Format
from programs.services import flash_tables_set

KIND_SCHEDULE_READY = "flash_schedule_ready"


class FlashError(DomainError):
    """An event that cannot be planned or published; the message is for people."""


def event_of(cohort: Cohort) -> FlashEvent:
    """The cohort's flash event, or a FlashError saying it has none."""
    if cohort.program.format != Format.FLASH:
        raise FlashError(
            _("%(cohort)s is not a flash event: its program is %(format)s.")
            % {"cohort": cohort, "format": cohort.program.get_format_display()}
        )
    event = FlashEvent.objects.filter(cohort=cohort).first()
    if event is None:
        raise FlashError(_("%(cohort)s has no flash event.") % {"cohort": cohort})
    return event


def rounds_started(event: FlashEvent, now: dt.datetime) -> int:
    """How many rounds have begun by `now` (0 while the event has no start time)."""
    return sum(
        1
        for r in range(1, event.rounds + 1)
        if (start := event.round_starts(r)) is not None and start <= now
    )


@dataclass(frozen=True)
class Sides:
    """Enrolment pks on each side of the event."""

    mentees: list[int]
    mentors: list[int]


def split_both(
    *,
    mentees: list[int],
    mentors: list[int],
    both: list[int],
    table_size: int,
) -> tuple[list[int], list[int]]:
    """Put each "both" person on one side: (to the mentee side, to the mentor side).

    `both` comes in the order the mentor side is filled from (most senior first). The number
    sent to the mentor side seats the most mentees per round, then balances mentees against
    seats, then keeps more of them as mentees; deterministic for the same lists."""
    best_key, best = None, 0
    for to_mentor in range(len(both) + 1):
        n_mentees = len(mentees) + len(both) - to_mentor
        seats = table_size * (len(mentors) + to_mentor)
        key = (-min(n_mentees, seats), abs(n_mentees - seats), to_mentor)
        if best_key is None or key < best_key:
            best_key, best = key, to_mentor
    return both[best:], both[:best]


def _sides(event: FlashEvent) -> Sides:
    rows = list(
        Enrolment.objects.filter(cohort=event.cohort_id, status=Enrolment.Status.APPROVED)
        .order_by("pk")
        .values_list("pk", "person_id", "role", "person__seniority")
    )
    # A "both" person who already has a side in the plan keeps it: re-planning never moves
    # someone across, whatever the balance has become.
    as_mentor = set(Meeting.objects.filter(event=event).values_list("mentor_id", flat=True))
    as_mentee = set(Meeting.objects.filter(event=event).values_list("mentee_id", flat=True))
    mentees = [pk for pk, _p, role, _s in rows if role == Enrolment.Role.MENTEE]
    mentors = [pk for pk, _p, role, _s in rows if role == Enrolment.Role.MENTOR]
    both = []
    for pk, person, role, seniority in rows:
        if role != Enrolment.Role.BOTH:
            continue
        if person in as_mentor:
            mentors.append(pk)
        elif person in as_mentee:
            mentees.append(pk)
        else:
            both.append((-(seniority or 0), pk))
    to_mentee, to_mentor = split_both(
        mentees=mentees,
        mentors=mentors,
        both=[pk for _s, pk in sorted(both)],
        table_size=event.table_size,
    )
    return Sides(sorted(mentees + to_mentee), sorted(mentors + to_mentor))


def _tables_for(event: FlashEvent, mentor_people: list[int], kept: dict[int, int]) -> dict:
    """Person pk -> FlashTable for every mentor; adds "Table N" tables where there are too few."""
    tables = list(FlashTable.objects.filter(event=event).order_by("position", "pk"))
    by_pk = {t.pk: t for t in tables}
    out = {p: by_pk[t] for p, t in kept.items() if t in by_pk and p in set(mentor_people)}
    taken = {t.pk for t in out.values()}
    free = [t for t in tables if t.pk not in taken]
    names = {t.name for t in tables}
    position = max((t.position for t in tables), default=0)
    number = len(tables)
    for person in mentor_people:
        if person in out:
            continue
        if free:
            out[person] = free.pop(0)
            continue
        number += 1
        while (name := _("Table %(number)s") % {"number": number}) in names:
            number += 1
        position += 1
        names.add(name)
        out[person] = FlashTable.objects.create(event=event, name=name, position=position)
    return out


@transaction.atomic
def rotation_plan_create(
    *,
    event: FlashEvent,
    planned_by=None,
    held_rounds: int | None = None,
    now: dt.datetime | None = None,
) -> RotationPlan:
    """Plan every round not held yet; keep the rounds held.

    Held: `held_rounds` when the coordinator says so, otherwise the rounds whose start time
    has passed. Only rounds of an earlier plan can be held: the first plan plans them all."""
    now = now or timezone.now()
    # One planner at a time per event: two clicks must not interleave their meetings.
    event = (
        FlashEvent.objects.select_for_update().select_related("cohort__program").get(pk=event.pk)
    )
    previous = RotationPlan.objects.filter(event=event).first()
    held = rounds_started(event, now) if held_rounds is None else held_rounds
    held = max(0, min(held, event.rounds, len(previous.rounds) if previous is not None else 0))

    sides = _sides(event)
    if not sides.mentees or not sides.mentors:
        raise FlashError(
            _(
                "Nobody to seat in %(cohort)s: planning needs approved mentors and mentees "
                "(%(mentors)d mentors, %(mentees)d mentees now)."
            )
            % {"cohort": event.cohort, "mentors": len(sides.mentors), "mentees": len(sides.mentees)}
        )
    block = load_cohort(event.cohort, mentee_ids=sides.mentees, mentor_ids=sides.mentors)
    mentee_row = {p.person: i for i, p in enumerate(block.mentees)}
    mentor_col = {p.person: i for i, p in enumerate(block.mentors)}

    kept = list(
        Meeting.objects.filter(event=event, round__lte=held).values_list(
            "round", "mentee_id", "mentor_id", "table_id"
        )
    )
    held_pairs: list[list[tuple[int, int]]] = [[] for _r in range(held)]
    for round_, mentee, mentor, _table in kept:
        # Someone withdrawn since is no longer on a side; their held meeting stays stored.
        if mentee in mentee_row and mentor in mentor_col:
            held_pairs[round_ - 1].append(block.pair(mentee, mentor))

    absent: list[set[int]] = [set() for _r in range(event.rounds)]
    for person, arrives in Attendance.objects.filter(event=event).values_list(
        "person_id", "arrives_round"
    ):
        if person not in block.index_of:
            continue
        last = event.rounds if arrives is None else min(arrives - 1, event.rounds)
        for r in range(last):
            absent[r].add(block.index_of[person])

    result = plan_flash_event(
        block.mentee_side,
        block.mentor_side,
        block.directory,
        block.score_settings,
        block.constraint_settings,
        rounds=event.rounds,
        table_size=event.table_size,
        held=held_pairs,
        # Pairs the coordinator forbade, and (if the program says so) earlier cohorts' pairs.
        earlier=[*block.forbidden, *block.earlier, *block.ended] or None,
        absent=absent,
    )
    rotation = result.rotation

    mentor_people = [p.person for p in block.mentors]
    tables = _tables_for(event, mentor_people, {m: t for _r, _e, m, t in kept if t})
    Meeting.objects.filter(event=event, round__gt=held).delete()
    new = []
    for r in range(held, event.rounds):
        rows, cols = rotation.pairs(r)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            mentor = block.mentors[col].person
            new.append(
                Meeting(
                    event=event,
                    round=r + 1,
                    mentee_id=block.mentees[row].person,
                    mentor_id=mentor,
                    table=tables[mentor],
                    score=round(float(result.cents[row, col]) / 100, 2),
                )
            )
    Meeting.objects.bulk_create(new)

    figures = []
    for r, report in enumerate(rotation.report()):
        figures.append(
            {
                "round": r + 1,
                "seated": report.seated,
                "seat_max": report.seat_max,
                "sitting_out": [block.mentees[i].person for i in report.sitting_out],
                "mentors_sitting_out": [
                    block.mentors[i].person for i in report.mentors_sitting_out
                ],
                "absent": sorted(
                    p.person
                    for p in [*block.mentees, *block.mentors]
                    if block.index_of[p.person] in absent[r]
                ),
                "score": report.cents / 100,
                "bound": report.bound_cents / 100,
                "held": report.held,
            }
        )
    plan, _created = RotationPlan.objects.update_or_create(
        event=event,
        defaults={
            "planned_at": now,
            "planned_by": planned_by,
            "held_rounds": held,
            "objective": rotation.objective_cents / 100,
            "upper_bound": rotation.upper_bound_cents / 100,
            "seconds": round(sum(result.seconds.values()), 4),
            "rounds": figures,
        },
    )
    return plan


@transaction.atomic
def rotation_plan_publish(*, event: FlashEvent, now: dt.datetime | None = None) -> RotationPlan:
    """Tell everyone seated in the plan that their schedule is ready. Publishing again after a
    re-plan tells them again (one message per plan); publishing the same plan twice does not."""
    now = now or timezone.now()
    plan = RotationPlan.objects.select_for_update().filter(event=event).first()
    if plan is None:
        raise FlashError(_("Plan the rounds before publishing them."))
    if plan.published_at is None or plan.published_at < plan.planned_at:
        plan.published_at = now
        plan.save(update_fields=["published_at"])
    people = set()
    for mentee, mentor in Meeting.objects.filter(event=event).values_list(
        "mentee__user_id", "mentor__user_id"
    ):
        people.update((mentee, mentor))
    # One message per plan: two plans can fall in the same second, so the microseconds count.
    occurrence = f"{occurrence_stamp(plan.planned_at)}.{plan.planned_at.microsecond:06d}"
    dispatches_create_now(
        messages=[
            Message(KIND_SCHEDULE_READY, event.pk, occurrence, user_id)
            for user_id in sorted(people)
        ]
    )
    return plan


def attendance_mark(*, event: FlashEvent, person_id: int, arrives_round: int | None) -> None:
    """Mark a no-show (`arrives_round` None) or a late arrival; round 1 clears the mark."""
    if arrives_round is not None and arrives_round <= 1:
        Attendance.objects.filter(event=event, person_id=person_id).delete()
        return
    Attendance.objects.update_or_create(
        event=event, person_id=person_id, defaults={"arrives_round": arrives_round}
    )


@transaction.atomic
def flash_event_update(
    *, event: FlashEvent, fields: dict[str, object], tables: list[tuple[str, str]]
) -> FlashEvent:
    """Save the event's settings and tables. A planned event stays consistent: meetings past a
    shortened event go, and a mentor whose table was removed moves to a free (or new) one."""
    event = FlashEvent.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean()
    event.save()
    flash_tables_set(event=event, tables=tables)
    Meeting.objects.filter(event=event, round__gt=event.rounds).delete()
    plan = RotationPlan.objects.filter(event=event).first()
    if plan is not None:
        if len(plan.rounds) > event.rounds:
            plan.rounds = plan.rounds[: event.rounds]
            plan.held_rounds = min(plan.held_rounds, event.rounds)
            plan.save(update_fields=["rounds", "held_rounds"])
        hosts = list(
            Meeting.objects.filter(event=event)
            .order_by("mentor_id")
            .values_list("mentor_id", "table_id")
            .distinct()
        )
        if any(table is None for _m, table in hosts):
            kept = {m: t for m, t in hosts if t is not None}
            mentors = sorted({m for m, _t in hosts}, key=lambda m: (m not in kept, m))
            for mentor, table in _tables_for(event, mentors, kept).items():
                Meeting.objects.filter(event=event, mentor_id=mentor, table=None).update(
                    table=table
                )
    return event


def plan_is_stale(event: FlashEvent, plan: RotationPlan | None) -> bool:
    """The event has more rounds than the plan: the coordinator should plan again."""
    return plan is not None and len(plan.rounds) < event.rounds
