"""Turning a cohort's approved enrolments into the engine's plain arrays.

Everything is read with a handful of `values()` queries (no model instances): at 10,000
mentees this is most of the Django side of a run.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from core.errors import DomainError
from matching.engine import (
    ConstraintSettings,
    Directory,
    ScoreSettings,
    Side,
    csr_from_sets,
    feasibility_mask,
    pairs_violations,
)
from matching.models import ForbiddenPair, MatchingSettings
from profiles.models import Person
from programs.models import Cohort, Enrolment, EnrolmentQuestion, MeetingFormat
from relationships.models import Mentorship

# Open mentorships hold a mentor's slot and keep a mentee out of the next run.
OPEN_MENTORSHIP = ("proposed", "active", "paused")
# Seniority is optional in the directory; an unknown level counts as the middle of the scale
# rather than as the most junior, which would make every mentor look "senior enough".
UNKNOWN_SENIORITY = 5
FORMAT_INDEX = {value: i for i, value in enumerate(MeetingFormat.values)}
ENROLMENT_FIELDS = (
    "pk",
    "person_id",
    "role",
    "capacity",
    "expertise",
    "interests",
    "preferred_format",
    "answers",
    "person__seniority",
    "person__department",
    "person__languages",
    "person__user__timezone",
    "person__user__email",
    "person__user__first_name",
    "person__user__last_name",
)


class MatchingError(DomainError):
    """A run, publish or request that cannot go ahead; the message is for people."""


@dataclass(frozen=True)
class Participant:
    enrolment: int
    person: int
    email: str
    name: str


@dataclass
class CohortBlock:
    """One cohort ready for the engine. Side rows line up with `mentees` / `mentors`;
    pair lists are directory indices, as the engine's pipeline wants them."""

    cohort: Cohort
    settings: MatchingSettings
    peer: bool
    directory: Directory
    index_of: dict[int, int]  # Person.pk -> directory index
    mentee_side: Side
    mentor_side: Side
    mentees: list[Participant]
    mentors: list[Participant]
    score_settings: ScoreSettings
    constraint_settings: ConstraintSettings
    forbidden: list[tuple[int, int]] = field(default_factory=list)
    earlier: list[tuple[int, int]] = field(default_factory=list)
    ended: list[tuple[int, int]] = field(default_factory=list)
    placed: set[int] = field(default_factory=set)  # Person pks in an open mentorship here
    questions: dict[str, str] = field(default_factory=dict)  # slug -> text

    def pair(self, mentee_person: int, mentor_person: int) -> tuple[int, int]:
        return self.index_of[mentee_person], self.index_of[mentor_person]

    @property
    def pair_lists(self) -> dict[str, list[tuple[int, int]]]:
        """The pairs ruled out by name, as the engine's keyword arguments."""
        return {"forbidden": self.forbidden, "earlier": self.earlier, "ended": self.ended}

    def mask(self) -> np.ndarray:
        """(mentees x mentors): True where the pair passes every hard constraint."""
        return feasibility_mask(
            self.mentee_side,
            self.mentor_side,
            self.directory,
            self.constraint_settings,
            self.forbidden,
            self.earlier,
            symmetric=self.peer,
            ended=self.ended,
        )

    def violations(self, rows: Sequence[int], cols: Sequence[int]) -> list[list[str]]:
        """The names of the rules each (mentee row, mentor column) pair breaks."""
        return pairs_violations(
            self.mentee_side,
            self.mentor_side,
            self.directory,
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            self.constraint_settings,
            self.forbidden,
            self.earlier,
            self.peer,
            ended=self.ended,
        )


def settings_for(program) -> MatchingSettings:
    settings, _ = MatchingSettings.objects.get_or_create(program=program)
    settings.program = program
    return settings


def choice_questions(program) -> dict[str, EnrolmentQuestion]:
    kinds = (EnrolmentQuestion.Kind.SINGLE, EnrolmentQuestion.Kind.MULTIPLE)
    return {q.slug: q for q in program.questions.filter(kind__in=kinds)}


@cache
def utc_offset_hours(name: str, on: dt.date) -> float:
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return float("nan")
    moment = dt.datetime.combine(on, dt.time(12), tzinfo=zone)
    offset = moment.utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else float("nan")


class _Vocabulary:
    def __init__(self, known: Iterable[str] = ()) -> None:
        self.ids: dict[str, int] = {}
        for value in known:
            self.id(value)

    def id(self, value: str) -> int:
        return self.ids.setdefault(value, len(self.ids))

    def ids_of(self, values: object) -> list[int]:
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list | tuple):
            return []
        return [self.id(str(v).strip().lower()) for v in values if str(v).strip()]

    def __len__(self) -> int:
        return len(self.ids)


def _side(
    rows: Sequence[dict],
    index_of: dict[int, int],
    vocab: dict[str, _Vocabulary],
    questions: dict[str, EnrolmentQuestion],
    on: dt.date,
    capacity: np.ndarray | None,
) -> Side:
    tags = [vocab["tags"].ids_of(r["interests"]) for r in rows]
    offers = [vocab["tags"].ids_of(r["expertise"]) for r in rows]
    languages = [vocab["languages"].ids_of(r["person__languages"]) for r in rows]
    answers = {
        slug: [vocab[f"q:{slug}"].ids_of((r["answers"] or {}).get(slug)) for r in rows]
        for slug in questions
    }
    departments = [
        vocab["departments"].id(d.strip().lower()) if (d := r["person__department"]) else -1
        for r in rows
    ]
    return Side(
        person=[index_of[r["person_id"]] for r in rows],
        seniority=[r["person__seniority"] or UNKNOWN_SENIORITY for r in rows],
        department=departments,
        languages=csr_from_sets(languages, len(vocab["languages"])),
        tz_offset=[utc_offset_hours(r["person__user__timezone"] or "", on) for r in rows],
        meeting_format=[FORMAT_INDEX.get(r["preferred_format"], -1) for r in rows],
        interests=csr_from_sets(tags, len(vocab["tags"])),
        expertise=csr_from_sets(offers, len(vocab["tags"])),
        answers={
            slug: csr_from_sets(sets, len(vocab[f"q:{slug}"])) for slug, sets in answers.items()
        },
        capacity=capacity,
    )


def _participant(row: dict) -> Participant:
    name = f"{row['person__user__first_name']} {row['person__user__last_name']}".strip()
    return Participant(
        row["pk"], row["person_id"], row["person__user__email"], name or row["person__user__email"]
    )


def open_mentee_counts(cohort: Cohort) -> tuple[dict[int, int], set[int]]:
    """Mentees per mentor (Person.pk) in open mentorships, and the mentees already placed."""
    through = Mentorship.mentees.through
    rows = through.objects.filter(
        mentorship__cohort=cohort, mentorship__status__in=OPEN_MENTORSHIP
    ).values_list("mentorship__mentor_id", "person_id")
    per_mentor: dict[int, int] = {}
    placed: set[int] = set()
    for mentor, mentee in rows:
        per_mentor[mentor] = per_mentor.get(mentor, 0) + 1
        placed.add(mentee)
    return per_mentor, placed


def earlier_pairs(cohort: Cohort) -> list[tuple[int, int]]:
    """(mentee, mentor) Person pks matched in earlier cohorts of the same program."""
    through = Mentorship.mentees.through
    return list(
        through.objects.filter(mentorship__cohort__program_id=cohort.program_id)
        .exclude(mentorship__cohort=cohort)
        .values_list("person_id", "mentorship__mentor_id")
        .distinct()
    )


def ended_pairs(cohort: Cohort) -> list[tuple[int, int]]:
    """(mentee, mentor) Person pks whose mentorship in this cohort has ended."""
    through = Mentorship.mentees.through
    return list(
        through.objects.filter(mentorship__cohort=cohort, mentorship__status__in=Mentorship.ENDED)
        .values_list("person_id", "mentorship__mentor_id")
        .distinct()
    )


def load_cohort(
    cohort: Cohort,
    *,
    mentor_ids: Iterable[int] | None = None,
    mentee_ids: Iterable[int] | None = None,
) -> CohortBlock:
    """The cohort's approved participants as engine sides.

    Mentees who already have an open mentorship in the cohort (published earlier, or through
    a request) are left out, and mentors' capacities count the mentees they already have; a
    pair whose mentorship in the cohort ended is ruled out (`ended`).
    `mentor_ids` / `mentee_ids` narrow the sides to some enrolments (mentee requests).
    """
    program = cohort.program
    settings = settings_for(program)
    questions = choice_questions(program)
    peer = settings.engine_format == "peer"
    approved = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.APPROVED)
    if peer:
        mentee_qs = mentor_qs = approved.filter(role=Enrolment.Role.BOTH)
    else:
        mentee_qs = approved.filter(role__in=(Enrolment.Role.MENTEE, Enrolment.Role.BOTH))
        mentor_qs = approved.filter(role__in=(Enrolment.Role.MENTOR, Enrolment.Role.BOTH))
    if mentee_ids is not None:
        mentee_qs = mentee_qs.filter(pk__in=list(mentee_ids))
    if mentor_ids is not None:
        mentor_qs = mentor_qs.filter(pk__in=list(mentor_ids))
    mentee_rows = list(mentee_qs.order_by("pk").values(*ENROLMENT_FIELDS))
    mentor_rows = (
        mentee_rows
        if peer and mentee_ids is None and mentor_ids is None
        else list(mentor_qs.order_by("pk").values(*ENROLMENT_FIELDS))
    )

    taken, placed = open_mentee_counts(cohort)
    if peer:
        # In a peer pair both people have their partner, the one recorded as mentor too.
        placed |= set(taken)
    same = mentor_rows is mentee_rows
    mentee_rows = [r for r in mentee_rows if r["person_id"] not in placed]
    if same:
        mentor_rows = mentee_rows
    elif peer:
        mentor_rows = [r for r in mentor_rows if r["person_id"] not in placed]
    default_capacity = program.default_capacity
    capacity = None
    if not peer:
        capacity = np.array(
            [
                max(0, (r["capacity"] or default_capacity) - taken.get(r["person_id"], 0))
                for r in mentor_rows
            ],
            dtype=np.int64,
        )

    # The whole organisation: a reporting chain runs through people outside the cohort.
    people = list(Person.objects.order_by("pk").values_list("pk", "manager_id"))
    index_of = {pk: i for i, (pk, _) in enumerate(people)}
    manager = np.array([index_of.get(m, -1) if m else -1 for _, m in people], dtype=np.int64)

    vocab = {
        "tags": _Vocabulary(),
        "languages": _Vocabulary(),
        "departments": _Vocabulary(),
    }
    for slug, question in questions.items():
        vocab[f"q:{slug}"] = _Vocabulary(str(c).strip().lower() for c in question.choices)
    on = cohort.start_date or dt.date.today()
    # Both sides share each vocabulary, so the sizes are fixed only after both are read.
    for rows in (mentee_rows, mentor_rows):
        for r in rows:
            vocab["tags"].ids_of(r["interests"])
            vocab["tags"].ids_of(r["expertise"])
            vocab["languages"].ids_of(r["person__languages"])
            for slug in questions:
                vocab[f"q:{slug}"].ids_of((r["answers"] or {}).get(slug))
    mentee_side = _side(mentee_rows, index_of, vocab, questions, on, None)
    mentor_side = (
        mentee_side
        if mentor_rows is mentee_rows
        else _side(mentor_rows, index_of, vocab, questions, on, capacity)
    )
    forbidden = [
        (index_of[a], index_of[b])
        for a, b in ForbiddenPair.objects.filter(cohort=cohort).values_list(
            "mentee_id", "mentor_id"
        )
    ]
    earlier = []
    if settings.exclude_earlier_pairs:
        earlier = [(index_of[a], index_of[b]) for a, b in earlier_pairs(cohort)]
    ended = [(index_of[a], index_of[b]) for a, b in ended_pairs(cohort)]
    return CohortBlock(
        cohort=cohort,
        settings=settings,
        peer=peer,
        directory=Directory(manager),
        index_of=index_of,
        mentee_side=mentee_side,
        mentor_side=mentor_side,
        mentees=[_participant(r) for r in mentee_rows],
        mentors=[_participant(r) for r in mentor_rows],
        score_settings=settings.score_settings(list(questions)),
        constraint_settings=settings.constraint_settings(),
        forbidden=forbidden,
        earlier=earlier,
        ended=ended,
        placed=placed,
        questions={slug: q.text for slug, q in questions.items()},
    )
