"""Why a mentee has no mentor, in words: which rule excluded how many mentors, and which
single change would give them one (counted by `matching.engine.why_not`, not guessed).

Two audiences. Coordinators see it next to each unmatched mentee of a run, with mentor
names where a change concerns one mentor (one more place, one rejection lifted). The mentee
sees it on their dashboard once a published run left them without a partner: counts only,
never a name, and only changes to the program's rules or to places (never "lift a
rejection").

Everything is computed on the cohort as it stands now, with the program's current settings:
a draft run's proposals hold their mentors' places as if published.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.engine import score_matrix
from matching.engine.why_not import CAPACITY, WhyNot, why_not
from matching.loading import OPEN_MENTORSHIP, CohortBlock, load_cohort
from matching.models import MatchRun, Unmatched
from programs.models import Cohort, Enrolment
from programs.roles import RoleLabels
from relationships.models import Mentorship

# Names shown to coordinators for a change that concerns one mentor, at most.
NAMES_SHOWN = 3


@dataclass(frozen=True)
class Explanation:
    """`why` in words: what held the mentee back (`reasons`), where that leaves them
    (`outcome`) and the changes that would give them a partner (`changes`)."""

    why: WhyNot
    intro: str
    reasons: list[str]
    outcome: str
    changes: list[str]


def _places_left(block: CohortBlock, run: MatchRun | None) -> np.ndarray:
    """Each mentor's free places now; a draft run's proposals take theirs."""
    if block.peer:
        left = np.ones(len(block.mentors), dtype=np.int64)
    else:
        left = block.mentor_side.capacity.copy()
    if run is None or not run.is_draft:
        return left
    column = {p.enrolment: j for j, p in enumerate(block.mentors)}
    taken: Counter[int] = Counter()
    for mentee, mentor in run.proposals.values_list("mentee_id", "mentor_id"):
        taken[mentor] += 1
        if block.peer:
            taken[mentee] += 1
    for enrolment, count in taken.items():
        if (j := column.get(enrolment)) is not None:
            left[j] = max(0, left[j] - count)
    return left


def _compute(
    cohort: Cohort, enrolment_ids: Iterable[int], run: MatchRun | None
) -> tuple[CohortBlock, dict[int, WhyNot]]:
    """The counts for each asked enrolment still without a partner (placed ones drop out)."""
    block = load_cohort(cohort, mentee_ids=list(enrolment_ids))
    if not block.mentees:
        return block, {}
    rows = np.arange(len(block.mentees))
    cents = score_matrix(block.mentee_side, block.mentor_side, block.score_settings)
    results = why_not(
        block.mentee_side,
        block.mentor_side,
        block.directory,
        rows,
        _places_left(block, run),
        block.constraint_settings,
        block.forbidden,
        block.earlier,
        block.peer,
        ended=block.ended,
        cents=cents,
    )
    return block, {p.enrolment: r for p, r in zip(block.mentees, results, strict=True)}


# --- Coordinators ------------------------------------------------------------------------------


def _coordinator_reason(rule: str, count: int, block: CohortBlock) -> str:
    hours = block.settings.max_tz_gap_hours
    texts = {
        "timezone_gap": ngettext(
            "%(count)d excluded by the %(hours)s-hour time-zone limit",
            "%(count)d excluded by the %(hours)s-hour time-zone limit",
            count,
        ),
        "reporting_chain": ngettext(
            "%(count)d excluded by the reporting chain",
            "%(count)d excluded by the reporting chain",
            count,
        ),
        "same_department": ngettext(
            "%(count)d excluded as they work in the same department",
            "%(count)d excluded as they work in the same department",
            count,
        ),
        "same_manager": ngettext(
            "%(count)d excluded as they have the same manager",
            "%(count)d excluded as they have the same manager",
            count,
        ),
        "forbidden": ngettext(
            "%(count)d excluded by a coordinator's rejection",
            "%(count)d excluded by a coordinator's rejection",
            count,
        ),
        "earlier_pair": ngettext(
            "%(count)d excluded as they were paired in an earlier cohort",
            "%(count)d excluded as they were paired in an earlier cohort",
            count,
        ),
        "ended_pair": ngettext(
            "%(count)d excluded as their mentorship in this cohort ended",
            "%(count)d excluded as their mentorships in this cohort ended",
            count,
        ),
    }
    return texts[rule] % {"count": count, "hours": hours}


def _names(block: CohortBlock, columns: tuple[int, ...]) -> str:
    shown = ", ".join(block.mentors[j].name for j in columns[:NAMES_SHOWN])
    more = len(columns) - NAMES_SHOWN
    if more > 0:
        return ngettext("%(names)s or %(more)d other", "%(names)s or %(more)d others", more) % {
            "names": shown,
            "more": more,
        }
    return shown


def _coordinator_change(change, block: CohortBlock) -> str:
    count = change.gives
    if change.rule == "timezone_gap":
        return ngettext(
            "Raising the time-zone limit to %(hours)d hours would make %(count)d available.",
            "Raising the time-zone limit to %(hours)d hours would make %(count)d available.",
            count,
        ) % {"hours": change.hours, "count": count}
    if change.rule == "same_department":
        return ngettext(
            "Allowing pairs within a department would make %(count)d available.",
            "Allowing pairs within a department would make %(count)d available.",
            count,
        ) % {"count": count}
    if change.rule == "same_manager":
        return ngettext(
            "Allowing pairs with the same manager would make %(count)d available.",
            "Allowing pairs with the same manager would make %(count)d available.",
            count,
        ) % {"count": count}
    if change.rule == "earlier_pair":
        return ngettext(
            "Allowing a pair from an earlier cohort again would make %(count)d available.",
            "Allowing pairs from earlier cohorts again would make %(count)d available.",
            count,
        ) % {"count": count}
    names = _names(block, change.mentors)
    if change.rule == "forbidden":
        return _("Lifting the rejection of the pair with %(names)s would make them available.") % {
            "names": names
        }
    return _("One more place for %(names)s would make them available.") % {"names": names}


def coordinator_words(why: WhyNot, block: CohortBlock) -> Explanation:
    roles: RoleLabels = block.cohort.program.roles
    intro = ngettext("Of %(count)d %(mentor)s:", "Of %(count)d %(mentors)s:", why.candidates) % {
        "count": why.candidates,
        "mentor": roles.mentor,
        "mentors": roles.mentors,
    }
    reasons = [_coordinator_reason(rule, n, block) for rule, n in why.excluded.items()]
    if why.available:
        outcome = ngettext(
            "%(count)d passes every rule and has a place now: run matching again or pair by hand.",
            "%(count)d pass every rule and have a place now: run matching again or pair by hand.",
            why.available,
        ) % {"count": why.available}
    elif why.full and block.peer:
        outcome = ngettext(
            "%(count)d passes every rule but is paired with someone else.",
            "%(count)d pass every rule but are paired with others.",
            why.full,
        ) % {"count": why.full}
    elif why.full:
        outcome = ngettext(
            "%(count)d passes every rule but has no place left (given to others).",
            "%(count)d pass every rule but have no place left (given to others).",
            why.full,
        ) % {"count": why.full}
    else:
        outcome = _("None passes every rule.")
    changes = [
        _coordinator_change(change, block)
        for change in why.changes
        # A peer takes one partner: there is no place to add.
        if not (block.peer and change.rule == CAPACITY)
    ]
    if not changes and not why.available:
        changes = [_("No single change would give a match.")]
    return Explanation(why, intro, reasons, outcome, changes)


def why_not_for_run(run: MatchRun, unmatched: list[Unmatched]) -> None:
    """Sets `row.why_not` (an Explanation, or None once the mentee has a partner) on each
    unmatched row of the run, with one cohort load for them all."""
    block, results = _compute(run.cohort, [row.mentee_id for row in unmatched], run)
    for row in unmatched:
        why = results.get(row.mentee_id)
        row.why_not = coordinator_words(why, block) if why is not None else None


# --- Mentees -----------------------------------------------------------------------------------


def _mentee_reason(rule: str, count: int, block: CohortBlock) -> str:
    texts = {
        "timezone_gap": ngettext(
            "%(count)d is more than %(hours)s hours from your time zone",
            "%(count)d are more than %(hours)s hours from your time zone",
            count,
        ),
        "reporting_chain": ngettext(
            "%(count)d is in your reporting line",
            "%(count)d are in your reporting line",
            count,
        ),
        "same_department": ngettext(
            "%(count)d works in your department, and this program pairs across departments",
            "%(count)d work in your department, and this program pairs across departments",
            count,
        ),
        "same_manager": ngettext(
            "%(count)d has the same manager as you",
            "%(count)d have the same manager as you",
            count,
        ),
        "forbidden": ngettext(
            "%(count)d was ruled out by the coordinators",
            "%(count)d were ruled out by the coordinators",
            count,
        ),
        "earlier_pair": ngettext(
            "%(count)d was paired with you in an earlier cohort",
            "%(count)d were paired with you in an earlier cohort",
            count,
        ),
        "ended_pair": ngettext(
            "%(count)d had a mentorship with you in this cohort that has ended",
            "%(count)d had mentorships with you in this cohort that have ended",
            count,
        ),
    }
    return texts[rule] % {"count": count, "hours": block.settings.max_tz_gap_hours}


def _mentee_change(change, roles: RoleLabels) -> str | None:
    count = change.gives
    if change.rule == "timezone_gap":
        return ngettext(
            "If the coordinators raised the time-zone limit to %(hours)d hours, "
            "%(count)d would fit.",
            "If the coordinators raised the time-zone limit to %(hours)d hours, "
            "%(count)d would fit.",
            count,
        ) % {"hours": change.hours, "count": count}
    if change.rule == "same_department":
        return ngettext(
            "If the program allowed pairs within a department, %(count)d would fit.",
            "If the program allowed pairs within a department, %(count)d would fit.",
            count,
        ) % {"count": count}
    if change.rule == "same_manager":
        return ngettext(
            "If the program allowed pairs with the same manager, %(count)d would fit.",
            "If the program allowed pairs with the same manager, %(count)d would fit.",
            count,
        ) % {"count": count}
    if change.rule == "earlier_pair":
        return ngettext(
            "If the program allowed an earlier pairing again, %(count)d would fit.",
            "If the program allowed earlier pairings again, %(count)d would fit.",
            count,
        ) % {"count": count}
    if change.rule == CAPACITY:
        return _(
            "If one %(mentor)s who fits every rule took on one more person, you could be matched."
        ) % {"mentor": roles.mentor}
    return None  # lifting a coordinator's rejection is theirs to weigh, not a mentee's ask


def mentee_words(why: WhyNot, block: CohortBlock) -> Explanation:
    roles: RoleLabels = block.cohort.program.roles
    intro = ngettext(
        "Of the %(count)d %(mentor)s in this cohort:",
        "Of the %(count)d %(mentors)s in this cohort:",
        why.candidates,
    ) % {"count": why.candidates, "mentor": roles.mentor, "mentors": roles.mentors}
    reasons = [_mentee_reason(rule, n, block) for rule, n in why.excluded.items()]
    if why.available:
        outcome = ngettext(
            "%(count)d fits every rule and has a place now: your coordinators can pair you.",
            "%(count)d fit every rule and have a place now: your coordinators can pair you.",
            why.available,
        ) % {"count": why.available}
    elif why.full and block.peer:
        outcome = ngettext(
            "%(count)d fits every rule but is paired with someone else.",
            "%(count)d fit every rule but are paired with others.",
            why.full,
        ) % {"count": why.full}
    elif why.full:
        outcome = ngettext(
            "%(count)d fits every rule but has no place left.",
            "%(count)d fit every rule but have no place left.",
            why.full,
        ) % {"count": why.full}
    else:
        outcome = _("None fits every rule of this program.")
    changes = [
        text
        for change in why.changes
        if not (block.peer and change.rule == CAPACITY) and (text := _mentee_change(change, roles))
    ]
    return Explanation(why, intro, reasons, outcome, changes)


def _unmatched_after_publishing(user) -> QuerySet[Enrolment]:
    """The user's approved mentee enrolments that a published run left without a partner and
    that have no mentor yet (a peer partner placed as "mentor" drops out when loaded)."""
    placed = Mentorship.mentees.through.objects.filter(
        mentorship__cohort=OuterRef("cohort"),
        mentorship__status__in=OPEN_MENTORSHIP,
        person=OuterRef("person"),
    )
    left_out = Unmatched.objects.filter(
        mentee=OuterRef("pk"), run__status=MatchRun.Status.PUBLISHED
    )
    return (
        Enrolment.objects.filter(
            person__user=user,
            status=Enrolment.Status.APPROVED,
            role__in=(Enrolment.Role.MENTEE, Enrolment.Role.BOTH),
        )
        .exclude(cohort__status=Cohort.Status.CLOSED)
        .filter(Exists(left_out))
        .exclude(Exists(placed))
        .select_related("cohort__program")
        .order_by("pk")
    )


def why_not_for_mentee(user) -> list[tuple[Enrolment, Explanation]]:
    """For each cohort where a published run left the user without a partner, why, in the
    words a mentee may read."""
    found = []
    for enrolment in _unmatched_after_publishing(user):
        block, results = _compute(enrolment.cohort, [enrolment.pk], None)
        if (why := results.get(enrolment.pk)) is not None:
            found.append((enrolment, mentee_words(why, block)))
    return found
