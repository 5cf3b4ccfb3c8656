"""May these people be paired? One answer, asked by every path that pairs people.

Mentorships are formed only by `relationships.services.mentorships_create` (publishing a run,
a mentor accepting a request, a coordinator pairing by hand, the demo seed), and it asks
`pairing_problems` first (MatchingConfig.ready registers it with relationships.pairing);
a pair a coordinator adds to a draft run and a mentee's request ask `pairing_check` too.
The rules are the engine's own constraint code run on the cohort as a match run loads it,
so no path can form a pair that matching would never propose:

- both people take part in the cohort (approved, in the right role), and the mentee (in a
  peer program, either person) is not already in an open mentorship there;
- not the same person, not in each other's reporting chain at any depth;
- not a pair a coordinator rejected, nor one whose mentorship in this cohort has ended;
- the program's optional rules (time-zone gap, same department, same manager, no repeat of
  an earlier cohort's pairing) where it sets them;
- the mentor has a free slot for every new mentee (open mentorships use slots up).

The answer holds only while nothing changes: callers that write lock the rows they count
(the mentor's enrolment, the cohort) before asking.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.loading import CohortBlock, load_cohort
from profiles.models import Person
from programs.models import Cohort, Enrolment
from relationships.pairing import Group

RULE_LABELS = {
    "self": gettext_lazy("they are the same person"),
    "reporting_chain": gettext_lazy("one of them is in the other's reporting line"),
    "timezone_gap": gettext_lazy("their time zones are further apart than the program allows"),
    "same_department": gettext_lazy("they work in the same department"),
    "same_manager": gettext_lazy("they have the same manager"),
    "forbidden": gettext_lazy("a coordinator rejected this pair"),
    "earlier_pair": gettext_lazy("they were paired in an earlier cohort"),
    "ended_pair": gettext_lazy("their mentorship in this cohort has ended"),
}


def explain_violations(broken: list[str]) -> str:
    return "; ".join(str(RULE_LABELS.get(name, name)) for name in broken)


@dataclass(frozen=True)
class PairingReview:
    block: CohortBlock  # the people asked about, loaded as a match run loads them
    problems: list[str]


def pairing_review(*, cohort: Cohort, groups: Sequence[Group]) -> PairingReview:
    """Every reason the groups may not be formed in the cohort (none: they may), checked
    together, so a mentor's slots are counted once across all their new mentees."""
    people = {p.pk: p for mentor, mentees in groups for p in (mentor, *mentees)}
    enrolment_of = dict(
        Enrolment.objects.filter(cohort=cohort, person_id__in=list(people)).values_list(
            "person_id", "pk"
        )
    )
    mentor_ids = {mentor.pk for mentor, _mentees in groups}
    mentee_ids = {p.pk for _mentor, mentees in groups for p in mentees}
    block = load_cohort(
        cohort,
        mentor_ids=[enrolment_of[p] for p in mentor_ids if p in enrolment_of],
        mentee_ids=[enrolment_of[p] for p in mentee_ids if p in enrolment_of],
    )
    row = {p.person: i for i, p in enumerate(block.mentees)}
    col = {p.person: j for j, p in enumerate(block.mentors)}

    def absent(person: Person, as_mentor: bool) -> str:
        if person.pk in block.placed and (block.peer or not as_mentor):
            if block.peer:
                return _("%(name)s already has a partner in this cohort.") % {"name": person.name}
            return _("%(name)s already has a mentor in this cohort.") % {"name": person.name}
        if as_mentor:
            return _("%(name)s is not a mentor in this cohort.") % {"name": person.name}
        return _("%(name)s is not a mentee waiting for a mentor here.") % {"name": person.name}

    problems: list[str] = []
    pairs: list[tuple[Person, Person]] = []
    new_mentees: Counter[int] = Counter()
    seen: set[int] = set()
    for mentor, mentees in groups:
        if mentor.pk not in col:
            problems.append(absent(mentor, as_mentor=True))
            continue
        for mentee in mentees:
            # In a peer program both people leave the pool; elsewhere only the mentee does.
            for person in (mentee, mentor) if block.peer else (mentee,):
                if person.pk in seen:
                    problems.append(_("%(name)s appears in two pairs.") % {"name": person.name})
                seen.add(person.pk)
            if mentee.pk not in row:
                problems.append(absent(mentee, as_mentor=False))
                continue
            pairs.append((mentee, mentor))
            new_mentees[mentor.pk] += 1
    broken_per_pair = block.violations(
        [row[mentee.pk] for mentee, _mentor in pairs], [col[mentor.pk] for _mentee, mentor in pairs]
    )
    for (mentee, mentor), broken in zip(pairs, broken_per_pair, strict=True):
        if broken:
            problems.append(
                _("%(mentee)s and %(mentor)s cannot be paired: %(why)s.")
                % {"mentee": mentee.name, "mentor": mentor.name, "why": explain_violations(broken)}
            )
    if not block.peer:
        for mentor_pk, wanted in new_mentees.items():
            free = int(block.mentor_side.capacity[col[mentor_pk]])
            name = people[mentor_pk].name
            if not free:
                problems.append(
                    _("%(name)s has no free slot left in this cohort.") % {"name": name}
                )
            elif wanted > free:
                problems.append(
                    _("%(name)s has %(free)d free slot(s) left, not %(wanted)d.")
                    % {"name": name, "free": free, "wanted": wanted}
                )
    return PairingReview(block=block, problems=problems)


def pairing_problems(*, cohort: Cohort, groups: Sequence[Group]) -> list[str]:
    return pairing_review(cohort=cohort, groups=groups).problems


def pairing_check(*, cohort: Cohort, mentor: Person, mentee: Person) -> list[str]:
    """Why this mentor and this mentee may not be paired in the cohort; empty if they may."""
    return pairing_problems(cohort=cohort, groups=[(mentor, [mentee])])
