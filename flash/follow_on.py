"""After a flash event: whom each person would like to continue with, and the pairs that
follow.

Choices are private. Only the chooser sees whom they chose; the other person learns of it only
when the choice is mutual; coordinators see counts, and the mutual pairs only once they are
proposals of a match run in the event's follow-on cohort (a one-to-one cohort), where they
review and publish them with the matching pages. Publishing goes through
`relationships.services.mentorships_create` like every pairing, so the pairing rules hold.
A follow-on proposal has `Proposal.Source.FLASH`: the mentorships it became are countable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from flash.models import Choice, SurveyResponse
from flash.participant_access import has_ended, pairs_met, people_met
from matching.engine import pair_breakdown
from matching.loading import settings_for
from matching.models import MatchRun, Proposal
from matching.rules import pairing_review
from matching.services.runs import latest_run
from profiles.models import Person
from programs.models import Cohort, Enrolment, FlashEvent, Format
from relationships.models import Mentorship

FOLLOW_ON_METHOD = "flash follow-on"


class FollowOnError(DomainError):
    """The event cannot propose follow-on pairs (yet); the message says why."""


# --- Each person's own choices --------------------------------------------------------------


def chosen_by(event: FlashEvent, person: Person) -> set[int]:
    return set(Choice.objects.filter(event=event, person=person).values_list("chosen", flat=True))


def mutual_with(event: FlashEvent, person: Person) -> set[int]:
    """The people who chose this person back: all the person may learn of others' choices."""
    mine = Choice.objects.filter(event=event, person=person).values("chosen")
    return set(
        Choice.objects.filter(event=event, chosen=person, person__in=mine).values_list(
            "person", flat=True
        )
    )


@transaction.atomic
def choices_set(*, event: FlashEvent, person: Person, chosen: Iterable[Person]) -> set[int]:
    """Replace the person's choices; only people they met at the event can be chosen."""
    if not has_ended(event):
        raise FollowOnError(_("You can choose whom to continue with once the event is over."))
    met = {p.pk for p in people_met(event, person)}
    wanted = {p.pk for p in chosen}
    if wanted - met:
        raise FollowOnError(_("You can only choose people you met at this event."))
    Choice.objects.filter(event=event, person=person).exclude(chosen__in=wanted).delete()
    have = chosen_by(event, person)
    Choice.objects.bulk_create(
        Choice(event=event, person=person, chosen_id=pk) for pk in sorted(wanted - have)
    )
    return wanted


@transaction.atomic
def survey_answer(
    *, event: FlashEvent, person: Person, usefulness: int, met_fit: bool, would_return: bool
) -> SurveyResponse:
    """One answer per person and event; answering again changes it."""
    if not has_ended(event):
        raise FollowOnError(_("The survey opens once the event is over."))
    response, _created = SurveyResponse.objects.update_or_create(
        event=event,
        person=person,
        defaults={"usefulness": usefulness, "met_fit": met_fit, "would_return": would_return},
    )
    return response


# --- Mutual pairs, for the coordinator ------------------------------------------------------


def mutual_pairs(event: FlashEvent) -> list[tuple[int, int]]:
    """(mentee, mentor) person ids of the pairs who met and chose each other, in the roles they
    met in. Sorted, so the proposals come out the same way every time."""
    met = pairs_met(event)
    chose = set(Choice.objects.filter(event=event).values_list("person", "chosen"))
    pairs = {
        met[frozenset((a, b))] for a, b in chose if (b, a) in chose and frozenset((a, b)) in met
    }
    return sorted(pairs)


@dataclass(frozen=True)
class FollowOnFigures:
    """What a coordinator sees before proposing: counts only, never who chose whom."""

    choosers: int
    choices: int
    mutual: int
    proposed: int  # follow-on proposals already in the follow-on cohort's runs
    survey_responses: int


def follow_on_figures(event: FlashEvent) -> FollowOnFigures:
    totals = Choice.objects.filter(event=event).aggregate(
        choices=Count("pk"), choosers=Count("person", distinct=True)
    )
    return FollowOnFigures(
        choosers=totals["choosers"],
        choices=totals["choices"],
        mutual=len(mutual_pairs(event)),
        proposed=len(_already_proposed(event)),
        survey_responses=SurveyResponse.objects.filter(event=event).count(),
    )


def _already_proposed(event: FlashEvent) -> set[tuple[int, int]]:
    """The event's mutual pairs already proposed in (or published from) the follow-on cohort."""
    if event.follow_on_cohort_id is None:
        return set()
    proposed = set(
        Proposal.objects.filter(
            run__cohort_id=event.follow_on_cohort_id, source=Proposal.Source.FLASH
        ).values_list("mentee__person_id", "mentor__person_id")
    )
    return proposed & set(mutual_pairs(event))


@dataclass
class FollowOnResult:
    run: MatchRun | None = None
    proposed: list[Proposal] = field(default_factory=list)
    enrolled: int = 0
    skipped: list[str] = field(default_factory=list)  # one sentence per pair left out


class _LeftOut(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(reasons)
        self.reasons = reasons


def _pair_enrol(cohort: Cohort, mentee: Person, mentor: Person) -> int:
    """Both people approved in the follow-on cohort in their roles; how many were not yet."""
    return _enrol(cohort, mentee, Enrolment.Role.MENTEE) + _enrol(
        cohort, mentor, Enrolment.Role.MENTOR
    )


def _enrol(cohort: Cohort, person: Person, role: str) -> int:
    """Approve the person in the follow-on cohort in `role` (1 if they were not approved)."""
    enrolment = Enrolment.objects.filter(cohort=cohort, person=person).first()
    if enrolment is None:
        Enrolment.objects.create(
            cohort=cohort, person=person, role=role, status=Enrolment.Status.APPROVED
        )
        return 1
    if enrolment.role != role:
        raise _LeftOut(
            [
                _("%(name)s takes part in %(cohort)s as %(role)s.")
                % {
                    "name": person.name,
                    "cohort": cohort,
                    "role": enrolment.get_role_display().lower(),
                }
            ]
        )
    if enrolment.status in (Enrolment.Status.DECLINED, Enrolment.Status.WITHDRAWN):
        raise _LeftOut(
            [_("%(name)s has left %(cohort)s.") % {"name": person.name, "cohort": cohort}]
        )
    if enrolment.status == Enrolment.Status.APPROVED:
        return 0
    enrolment.status = Enrolment.Status.APPROVED
    enrolment.responded_at = enrolment.responded_at or timezone.now()
    enrolment.save(update_fields=["status", "responded_at", "updated_at"])
    return 1


def _follow_on_cohort(event: FlashEvent) -> Cohort:
    if event.follow_on_cohort_id is None:
        raise FollowOnError(_("This event has no follow-on cohort. Set one on the event first."))
    # The cohort row lock serialises this with a publish or a second click.
    cohort = (
        Cohort.objects.select_for_update()
        .select_related("program")
        .get(pk=event.follow_on_cohort_id)
    )
    if cohort.program.format != Format.ONE_TO_ONE:
        raise FollowOnError(_("The follow-on cohort must belong to a one-to-one program."))
    return cohort


def _run_for(cohort: Cohort, user) -> MatchRun:
    """The latest draft run of the cohort, or a new run holding only follow-on pairs."""
    run = latest_run(cohort)
    if run is not None and run.is_draft:
        return run
    approved = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.APPROVED)
    return MatchRun.objects.create(
        cohort=cohort,
        run_by=user,
        settings_snapshot=settings_for(cohort.program).snapshot([]),
        method=FOLLOW_ON_METHOD,
        n_mentees=approved.filter(role=Enrolment.Role.MENTEE).count(),
        n_mentors=approved.filter(role=Enrolment.Role.MENTOR).count(),
    )


@transaction.atomic
def follow_on_propose(*, event: FlashEvent, user=None) -> FollowOnResult:
    """Propose every mutual pair of the event not yet proposed in the follow-on cohort.

    Both people are enrolled there (approved, as mentee and mentor) if they are not yet. A pair
    the pairing rules refuse (the reporting line, a mentor without a free slot, a mentee who has
    a mentor there already, ...) is left out with the reason; the others become locked
    proposals of the cohort's latest draft run, or of a new run, for the coordinator to review
    and publish. Running it again proposes only what is new."""
    if not has_ended(event):
        raise FollowOnError(_("Follow-on pairs can be proposed once the event is over."))
    cohort = _follow_on_cohort(event)
    result = FollowOnResult()
    done = _already_proposed(event)
    wanted = [pair for pair in mutual_pairs(event) if pair not in done]
    if not wanted:
        return result
    people = Person.objects.select_related("user").in_bulk({p for pair in wanted for p in pair})
    run = _run_for(cohort, user)
    in_run = set(run.proposals.values_list("mentee__person_id", flat=True))
    accepted: list[tuple[Person, Person]] = []
    for mentee_id, mentor_id in wanted:
        mentee, mentor = people[mentee_id], people[mentor_id]
        if mentee_id in in_run:
            result.skipped.append(
                _("%(name)s already has a proposed pair in this run.") % {"name": mentee.name}
            )
            continue
        pairs = [*accepted, (mentee, mentor)]
        # A pair left out enrols nobody: each pair's enrolments are undone with it.
        try:
            with transaction.atomic():
                enrolled = _pair_enrol(cohort, mentee, mentor)
                # Checked together with the pairs already accepted: a mentor's free slots and a
                # person in two pairs count across them. Draft proposals of the run take slots.
                review = pairing_review(cohort=cohort, groups=[(b, [a]) for a, b in pairs])
                hosted = sum(1 for _a, b in pairs if b.pk == mentor.pk)
                problems = review.problems or _slot_taken_in_run(run, review.block, mentor, hosted)
                if problems:
                    raise _LeftOut(problems)
        except _LeftOut as left_out:
            result.skipped.extend(left_out.reasons)
            continue
        result.enrolled += enrolled
        accepted.append((mentee, mentor))
    if accepted:
        result.proposed = _store(run, cohort, accepted)
        result.run = run
    elif not run.proposals.exists() and run.method == FOLLOW_ON_METHOD:
        run.delete()  # nothing to review: no empty run for the coordinator to wonder about
    return result


def _slot_taken_in_run(run: MatchRun, block, mentor: Person, new_pairs: int) -> list[str]:
    """The run's draft proposals take the mentor's slots too once it is published."""
    drafted = run.proposals.filter(mentor__person=mentor).count()
    col = {p.person: j for j, p in enumerate(block.mentors)}
    if not drafted or mentor.pk not in col:
        return []
    if drafted + new_pairs > int(block.mentor_side.capacity[col[mentor.pk]]):
        return [_("%(name)s has no free slot left in this cohort.") % {"name": mentor.name}]
    return []


def _store(run: MatchRun, cohort: Cohort, pairs: list[tuple[Person, Person]]) -> list[Proposal]:
    review = pairing_review(cohort=cohort, groups=[(b, [a]) for a, b in pairs])
    block = review.block
    row = {p.person: i for i, p in enumerate(block.mentees)}
    col = {p.person: j for j, p in enumerate(block.mentors)}
    breakdown = pair_breakdown(
        block.mentee_side,
        block.mentor_side,
        block.score_settings,
        np.array([row[a.pk] for a, _b in pairs]),
        np.array([col[b.pk] for _a, b in pairs]),
    )
    enrolments = {
        (e.person_id, e.role): e
        for e in Enrolment.objects.filter(
            cohort=cohort, person__in=[p for pair in pairs for p in pair]
        )
    }
    run.unmatched.filter(mentee__person__in=[a for a, _b in pairs]).delete()
    proposals = Proposal.objects.bulk_create(
        Proposal(
            run=run,
            mentee=enrolments[a.pk, Enrolment.Role.MENTEE],
            mentor=enrolments[b.pk, Enrolment.Role.MENTOR],
            score=int(cents) / 100,
            breakdown=why,
            locked=True,
            source=Proposal.Source.FLASH,
        )
        for (a, b), cents, why in zip(
            pairs, breakdown.score_cents.tolist(), breakdown.as_dicts(), strict=True
        )
    )
    run.objective = round(sum(p.score for p in run.proposals.all()), 2)
    run.save(update_fields=["objective"])
    return proposals


def follow_on_mentorships(cohort_ids=None):
    """Mentorships that came from a flash event's mutual choice."""
    ids = Proposal.objects.filter(source=Proposal.Source.FLASH, mentorship__isnull=False)
    if cohort_ids is not None:
        ids = ids.filter(run__cohort__in=cohort_ids)
    return Mentorship.objects.filter(pk__in=ids.values("mentorship"))
