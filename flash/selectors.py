"""Reads of a flash event for the coordinator: the grid, the figures, the CSV and the JSON."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flash.models import Attendance, Meeting, RotationPlan
from profiles.models import Person
from programs.models import Enrolment, FlashEvent, FlashTable


@dataclass
class Seat:
    mentee: Person
    score: float


@dataclass
class Cell:
    """One table in one round: its mentor (None when nobody hosts there) and mentees."""

    table: FlashTable
    mentor: Person | None = None
    seats: list[Seat] = field(default_factory=list)


@dataclass
class Round:
    number: int
    starts_at: object
    ends_at: object
    cells: list[Cell]
    sitting_out: list[Person]
    mentors_sitting_out: list[Person]
    absent: list[Person]
    held: bool
    seated: int
    score: float
    bound: float


def event_meetings(event: FlashEvent):
    return (
        Meeting.objects.filter(event=event)
        .select_related("mentee__user", "mentor__user", "table")
        .order_by("round", "table__position", "table_id", "mentor_id", "mentee_id")
    )


def event_rounds(event: FlashEvent, plan: RotationPlan | None) -> list[Round]:
    """Every round and table, with the people in it: three queries whatever the size."""
    tables = list(FlashTable.objects.filter(event=event).order_by("position", "pk"))
    by_round: dict[int, dict[int, Cell]] = defaultdict(dict)
    for meeting in event_meetings(event):
        cells = by_round[meeting.round]
        cell = cells.get(meeting.table_id)
        if cell is None:
            cell = cells[meeting.table_id] = Cell(meeting.table, meeting.mentor)
        cell.seats.append(Seat(meeting.mentee, meeting.score))
    figures = {f["round"]: f for f in (plan.rounds if plan else [])}
    wanted = {
        pk
        for f in figures.values()
        for key in ("sitting_out", "mentors_sitting_out", "absent")
        for pk in f.get(key, [])
    }
    people = Person.objects.select_related("user").in_bulk(wanted)
    hosts = {}
    for cells in by_round.values():
        for table_id, cell in cells.items():
            hosts.setdefault(table_id, cell.mentor)
    rounds = []
    for number in range(1, event.rounds + 1):
        figure = figures.get(number, {})
        # A table whose mentor hosts nobody this round still shows its mentor, seats empty.
        cells = [by_round[number].get(t.pk) or Cell(t, hosts.get(t.pk)) for t in tables]
        rounds.append(
            Round(
                number=number,
                starts_at=event.round_starts(number),
                ends_at=event.round_ends(number),
                cells=cells,
                sitting_out=[people[p] for p in figure.get("sitting_out", []) if p in people],
                mentors_sitting_out=[
                    people[p] for p in figure.get("mentors_sitting_out", []) if p in people
                ],
                absent=[people[p] for p in figure.get("absent", []) if p in people],
                held=bool(figure.get("held")),
                seated=sum(len(c.seats) for c in cells),
                score=figure.get("score", 0.0),
                bound=figure.get("bound", 0.0),
            )
        )
    return rounds


def event_people(event: FlashEvent) -> list[tuple[Person, str, Attendance | None]]:
    """Approved participants with their role and attendance mark, by name."""
    marks = {a.person_id: a for a in Attendance.objects.filter(event=event)}
    rows = (
        Enrolment.objects.filter(cohort=event.cohort_id, status=Enrolment.Status.APPROVED)
        .select_related("person__user")
        .order_by("person__user__last_name", "person__user__first_name", "pk")
    )
    return [(e.person, e.role, marks.get(e.person_id)) for e in rows]


def plan_payload(event: FlashEvent) -> dict:
    """The plan as `plan_flash_rounds --json` prints it."""
    plan = RotationPlan.objects.get(event=event)
    pairs: dict[int, list[dict]] = defaultdict(list)
    for round_, mentee, mentor, score in (
        Meeting.objects.filter(event=event)
        .order_by("round", "table__position", "mentor_id", "mentee_id")
        .values_list("round", "mentee__user__email", "mentor__user__email", "score")
    ):
        pairs[round_].append({"mentee": mentee, "mentor": mentor, "score": score})
    out_ids = {p for f in plan.rounds for p in f.get("sitting_out", [])}
    emails = dict(Person.objects.filter(pk__in=out_ids).values_list("pk", "user__email"))
    return {
        "cohort": event.cohort.slug,
        "rounds": [
            {
                "round": f["round"],
                "pairs": pairs.get(f["round"], []),
                "sitting_out": [emails[p] for p in f.get("sitting_out", []) if p in emails],
            }
            for f in plan.rounds
        ],
        "objective": plan.objective,
        "upper_bound": plan.upper_bound,
        "seconds": plan.seconds,
    }


def csv_rows(event: FlashEvent):
    """Header, then one row per seat: round, start time, table, link, mentor, mentee, emails."""
    yield [
        "round",
        "starts_at",
        "table",
        "link",
        "mentor",
        "mentor_email",
        "mentee",
        "mentee_email",
    ]
    for m in event_meetings(event):
        start = event.round_starts(m.round)
        yield [
            m.round,
            start.isoformat() if start else "",
            m.table.name if m.table else "",
            m.table.link if m.table else "",
            m.mentor.name,
            m.mentor.email,
            m.mentee.name,
            m.mentee.email,
        ]


@dataclass(frozen=True)
class Figures:
    seated: list[int]
    sitting_out: list[int]
    repeats: int
    objective: float
    upper_bound: float
    share: float | None  # objective / upper bound, as a percentage
    seconds: float


def plan_figures(plan: RotationPlan | None, rounds: list[Round]) -> Figures | None:
    """The plan's figures, repeats counted from the stored meetings (0 by design)."""
    if plan is None:
        return None
    pairs = [(s.mentee.pk, c.mentor.pk) for r in rounds for c in r.cells for s in c.seats]
    return Figures(
        seated=[r.seated for r in rounds],
        sitting_out=[len(r.sitting_out) for r in rounds],
        repeats=len(pairs) - len(set(pairs)),
        objective=plan.objective,
        upper_bound=plan.upper_bound,
        share=100 * plan.objective / plan.upper_bound if plan.upper_bound else None,
        seconds=plan.seconds,
    )
