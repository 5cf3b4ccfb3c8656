"""The mentor directory of a self-match program: every mentor a mentee may ask, searchable,
filtered, best score first, each with the reasons in words.

Who is listed is decided by the pairing rules (matching.rules) as the engine applies them:
the cohort is loaded as a match run loads it and the feasibility mask is the same constraint
code `pairing_check` runs, so the directory never lists a mentor the request service would
refuse for a rule. A mentor with no free slot is listed but cannot be asked (the "free slots"
filter hides them). A mentee never learns that someone was left out, nor why.

The work is a fixed number of queries whatever the cohort's size: the cohort block (as a
match run), one read of the listed mentors' profile rows, and for the page shown one read of
its enrolments (for the cards) and one of the mentee's requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from matching.engine import pair_breakdown, score_matrix
from matching.explain import (
    PROFILE_FIELDS,
    Profile,
    Reason,
    explain,
    hours_apart,
    language_name,
    profile_from_row,
)
from matching.loading import CohortBlock, Participant, load_cohort
from matching.models import MentorRequest
from programs.models import Enrolment


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""  # in the name, job title or expertise
    expertise: str = ""
    language: str = ""  # ISO 639-1 code
    department: str = ""
    seniority_min: int | None = None
    seniority_max: int | None = None
    free_only: bool = False
    max_tz_gap: float | None = None  # hours


@dataclass(frozen=True)
class Entry:
    """A listed mentor before the card is built (cheap: no breakdown, no model instance)."""

    column: int  # in the cohort block's mentor side
    cents: int
    free_slots: int
    row: dict


@dataclass(frozen=True)
class MentorCard:
    mentor: Participant
    enrolment: Enrolment  # with person__user, for the profile card
    score: float
    why: list[Reason]
    free_slots: int
    requested: bool  # the mentee has asked this mentor already (any answer)

    @property
    def person(self):
        return self.enrolment.person


@dataclass(frozen=True)
class Facets:
    """The choices the filters offer: what the listed mentors have, before filtering."""

    expertise: list[str] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    departments: list[str] = field(default_factory=list)


@dataclass
class MentorDirectory:
    enrolment: Enrolment
    block: CohortBlock | None
    mentee: Profile | None
    entries: list[Entry]  # every mentor listed, before filters
    facets: Facets
    on: dt.date

    def filtered(self, filters: DirectoryFilters) -> list[Entry]:
        if self.block is None or self.mentee is None:
            return []
        offsets = self.block.mentor_side.tz_offset
        mine = self.mentee.tz_offset
        return [
            entry
            for entry in self.entries
            if _matches(entry, filters, hours_apart(mine, float(offsets[entry.column])))
        ]

    def cards(self, entries: list[Entry]) -> list[MentorCard]:
        """Cards for some entries (a page), in their order."""
        if not entries or self.block is None or self.mentee is None:
            return []
        block = self.block
        columns = np.array([e.column for e in entries], dtype=np.int64)
        breakdown = pair_breakdown(
            block.mentee_side,
            block.mentor_side,
            block.score_settings,
            np.zeros(len(columns), dtype=np.int64),
            columns,
        )
        ids = [e.row["pk"] for e in entries]
        enrolments = Enrolment.objects.select_related("person__user").in_bulk(ids)
        asked = set(
            MentorRequest.objects.filter(mentee=self.enrolment, mentor_id__in=ids).values_list(
                "mentor_id", flat=True
            )
        )
        return [
            MentorCard(
                mentor=block.mentors[entry.column],
                enrolment=enrolments[entry.row["pk"]],
                score=int(breakdown.score_cents[k]) / 100,
                why=explain(
                    parts,
                    block.score_settings,
                    self.mentee,
                    profile_from_row(entry.row, self.on),
                    questions=block.questions,
                ),
                free_slots=entry.free_slots,
                requested=entry.row["pk"] in asked,
            )
            for k, (entry, parts) in enumerate(zip(entries, breakdown.as_dicts(), strict=True))
        ]


def _lower(values: object) -> set[str]:
    if not isinstance(values, list | tuple):
        return set()
    return {str(v).strip().lower() for v in values if str(v).strip()}


def _facets(rows: list[dict]) -> Facets:
    expertise: dict[str, str] = {}
    languages: set[str] = set()
    departments: dict[str, str] = {}
    for row in rows:
        for tag in row["expertise"] or []:
            if str(tag).strip():
                expertise.setdefault(str(tag).strip().lower(), str(tag).strip())
        languages |= _lower(row["person__languages"])
        if department := (row["person__department"] or "").strip():
            departments.setdefault(department.lower(), department)
    return Facets(
        expertise=sorted(expertise.values(), key=str.lower),
        languages=sorted(((code, language_name(code)) for code in languages), key=lambda c: c[1]),
        departments=sorted(departments.values(), key=str.lower),
    )


def _name(row: dict) -> str:
    return f"{row['person__user__first_name']} {row['person__user__last_name']}"


def _matches(entry: Entry, filters: DirectoryFilters, tz_gap: float | None) -> bool:
    row = entry.row
    if text := filters.text.strip().lower():
        haystack = " ".join(
            [_name(row), row["person__job_title"] or "", *map(str, row["expertise"] or [])]
        ).lower()
        if not all(word in haystack for word in text.split()):
            return False
    if filters.expertise and filters.expertise.strip().lower() not in _lower(row["expertise"]):
        return False
    if filters.language and filters.language.lower() not in _lower(row["person__languages"]):
        return False
    department = (row["person__department"] or "").strip().lower()
    if filters.department and filters.department.strip().lower() != department:
        return False
    level = row["person__seniority"]
    if filters.seniority_min is not None and (level is None or level < filters.seniority_min):
        return False
    if filters.seniority_max is not None and (level is None or level > filters.seniority_max):
        return False
    if filters.free_only and entry.free_slots <= 0:
        return False
    return filters.max_tz_gap is None or (tz_gap is not None and tz_gap <= filters.max_tz_gap)


def mentor_directory(enrolment: Enrolment) -> MentorDirectory:
    """The mentors `enrolment`'s mentee may ask, best score first (ties: the earlier
    enrolment first, so pages are stable); `.filtered(filters)` narrows them."""
    cohort = enrolment.cohort
    on = cohort.start_date or dt.date.today()
    block = load_cohort(cohort, mentee_ids=[enrolment.pk])
    if not block.mentees or not block.mentors:
        return MentorDirectory(enrolment, None, None, [], Facets(), on)
    cents = score_matrix(block.mentee_side, block.mentor_side, block.score_settings)[0]
    feasible = np.flatnonzero(block.mask()[0])
    capacity = block.mentor_side.capacity
    ids = [block.mentors[j].enrolment for j in feasible.tolist()] + [enrolment.pk]
    rows = {
        row["pk"]: row
        for row in Enrolment.objects.filter(pk__in=ids).values(*PROFILE_FIELDS, "person__job_title")
    }
    mentee = profile_from_row(rows[enrolment.pk], on)
    order = feasible[np.lexsort((feasible, -cents[feasible]))]
    entries = [
        Entry(
            column=j,
            cents=int(cents[j]),
            free_slots=int(capacity[j]) if capacity is not None else 1,
            row=rows[block.mentors[j].enrolment],
        )
        for j in order.tolist()
    ]
    return MentorDirectory(enrolment, block, mentee, entries, _facets([e.row for e in entries]), on)


def listed_mentor(enrolment: Enrolment, mentor_enrolment_id: int) -> Enrolment | None:
    """The mentor's enrolment if the directory lists them for this mentee, else None."""
    block = load_cohort(
        enrolment.cohort, mentee_ids=[enrolment.pk], mentor_ids=[mentor_enrolment_id]
    )
    if not block.mentees or not block.mentors or not block.mask()[0, 0]:
        return None
    return Enrolment.objects.select_related("person__user").get(pk=mentor_enrolment_id)
