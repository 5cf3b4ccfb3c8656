from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from core.errors import DomainError
from notifications.models import WebhookEvent
from notifications.services import webhooks_emit
from programs.models import Enrolment, Format
from relationships.hooks import pair_ended
from relationships.models import (
    Agreement,
    AgreementConfirmation,
    ClosingSurvey,
    Mentorship,
    MentorshipEvent,
    PulseAnswer,
)
from relationships.pairing import Group, PairingRefused, pairing_problems


class TransitionError(DomainError):
    """A change the mentorship's state does not allow; the message is for the person."""


def _locked(mentorship: Mentorship) -> Mentorship:
    """Re-read the row under a lock: two people acting at once must not both pass a check."""
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("cohort__program", "mentor")
        .get(pk=mentorship.pk)
    )


def _event(mentorship: Mentorship, *, actor, kind: str, from_status: str = "", note: str = ""):
    event = MentorshipEvent.objects.create(
        mentorship=mentorship,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=mentorship.status,
        note=note[:200],
    )
    if kind == MentorshipEvent.Kind.STATUS:
        # Ids and states only: the note (a close reason, who confirmed) stays here.
        webhooks_emit(
            event=WebhookEvent.MENTORSHIP_STATUS_CHANGED,
            occurrence=str(event.pk),
            items=[
                (
                    mentorship.pk,
                    {
                        "mentorship": mentorship.pk,
                        "cohort": mentorship.cohort.slug,
                        "from_status": from_status,
                        "to_status": mentorship.status,
                    },
                )
            ],
        )
    return event


@transaction.atomic
def mentorships_create(
    *,
    cohort,
    groups: Sequence[Group],
    source: str = Mentorship.Source.MATCHING,
    created_by=None,
) -> list[Mentorship]:
    """Pair people: the one place mentorships are made, one per (mentor, mentees) group.

    Every group passes matching's pairing rules first (relationships.pairing), all together,
    or nothing is written. The people's enrolments are locked while the rules count open
    mentorships, so two paths (a publish and an accepted request, say) cannot both give a
    mentor's last slot. In a group program a mentor's new mentees join their open group."""
    people = {p.pk for mentor, mentees in groups for p in (mentor, *mentees)}
    list(
        Enrolment.objects.select_for_update()
        .filter(cohort=cohort, person_id__in=people)
        .order_by("pk")
    )
    problems = pairing_problems(cohort=cohort, groups=groups)
    if problems:
        raise PairingRefused(problems)
    program = cohort.program
    mentorships = []
    for mentor, mentees in groups:
        group = None
        if program.format == Format.GROUP:
            group = (
                Mentorship.objects.filter(
                    cohort=cohort,
                    mentor=mentor,
                    status__in=(Mentorship.Status.PROPOSED, Mentorship.Status.ACTIVE),
                )
                .order_by("pk")
                .first()
            )
        if group is not None:
            group.mentees.add(*mentees)
            mentorships.append(group)
            continue
        mentorship = Mentorship.objects.create(cohort=cohort, mentor=mentor, source=source)
        mentorship.mentees.set(mentees)
        Agreement.objects.create(
            mentorship=mentorship,
            cadence_days=program.cadence_days,
            confidentiality_statement=program.confidentiality_statement,
        )
        MentorshipEvent.objects.create(
            mentorship=mentorship, actor=created_by, to_status=Mentorship.Status.PROPOSED
        )
        mentorships.append(mentorship)
    return mentorships


def mentorship_create(
    *,
    cohort,
    mentor,
    mentees: Sequence,
    source: str = Mentorship.Source.MATCHING,
    created_by=None,
) -> Mentorship:
    """One mentor and their mentees; see `mentorships_create`."""
    return mentorships_create(
        cohort=cohort, groups=[(mentor, list(mentees))], source=source, created_by=created_by
    )[0]


def agreement_for(mentorship: Mentorship) -> Agreement:
    """The agreement, created from the program's defaults for mentorships made before there
    were agreements."""
    try:
        return mentorship.agreement
    except Agreement.DoesNotExist:
        program = mentorship.cohort.program
        agreement, _created = Agreement.objects.get_or_create(
            mentorship=mentorship,
            defaults={
                "cadence_days": program.cadence_days,
                "confidentiality_statement": program.confidentiality_statement,
            },
        )
        mentorship.agreement = agreement
        return agreement


@transaction.atomic
def agreement_update(
    *,
    mentorship: Mentorship,
    actor,
    cadence_days: int,
    preferred_format: str,
    mentor_commitments: str,
    mentee_commitments: str,
) -> Agreement:
    """Save a new version; every member has to confirm it again."""
    mentorship = _locked(mentorship)
    if mentorship.is_ended:
        raise TransitionError(_("The mentorship has ended; its agreement can no longer change."))
    agreement = Agreement.objects.select_for_update().get(pk=agreement_for(mentorship).pk)
    values = {
        "cadence_days": cadence_days,
        "preferred_format": preferred_format,
        "mentor_commitments": mentor_commitments,
        "mentee_commitments": mentee_commitments,
    }
    if all(getattr(agreement, field) == value for field, value in values.items()):
        return agreement
    for field, value in values.items():
        setattr(agreement, field, value)
    agreement.version += 1
    agreement.save()
    _event(
        mentorship,
        actor=actor,
        kind=MentorshipEvent.Kind.AGREEMENT_UPDATED,
        note=f"Version {agreement.version}",
    )
    return agreement


@transaction.atomic
def agreement_confirm(*, mentorship: Mentorship, person, actor=None) -> Agreement:
    """Confirm the current version; once every member has, a proposed mentorship starts."""
    mentorship = _locked(mentorship)
    if not mentorship.is_member(person):
        raise TransitionError(_("Only the people in this mentorship confirm its agreement."))
    if mentorship.is_ended:
        raise TransitionError(_("The mentorship has ended."))
    agreement = agreement_for(mentorship)
    _confirmation, created = AgreementConfirmation.objects.get_or_create(
        agreement=agreement, person=person, version=agreement.version
    )
    if not created:
        return agreement
    _event(
        mentorship,
        actor=actor,
        kind=MentorshipEvent.Kind.AGREEMENT_CONFIRMED,
        note=f"Version {agreement.version} by {person.name}",
    )
    confirmed = agreement.confirmed_by()
    everyone = {member.pk for member in mentorship.members()}
    if mentorship.status == Mentorship.Status.PROPOSED and everyone <= confirmed:
        mentorship.status = Mentorship.Status.ACTIVE
        mentorship.started_at = timezone.now()
        mentorship.save(update_fields=["status", "started_at"])
        _event(
            mentorship,
            actor=actor,
            kind=MentorshipEvent.Kind.STATUS,
            from_status=Mentorship.Status.PROPOSED,
            note="Agreement confirmed by everyone",
        )
    return agreement


def agreement_is_confirmed(mentorship: Mentorship) -> bool:
    agreement = agreement_for(mentorship)
    return {m.pk for m in mentorship.members()} <= agreement.confirmed_by()


def _transition(
    *, mentorship: Mentorship, to_status: str, actor, reason: str = "", comment: str = ""
) -> Mentorship:
    mentorship = _locked(mentorship)
    if not mentorship.can_move_to(to_status):
        raise TransitionError(
            _("A %(current)s mentorship cannot become %(target)s.")
            % {
                "current": mentorship.get_status_display().lower(),
                "target": Mentorship.Status(to_status).label.lower(),
            }
        )
    from_status = mentorship.status
    mentorship.status = to_status
    fields = ["status"]
    if to_status in Mentorship.ENDED:
        mentorship.ended_at = timezone.now()
        mentorship.close_reason = reason
        mentorship.close_comment = comment
        fields += ["ended_at", "close_reason", "close_comment"]
    mentorship.save(update_fields=fields)
    if mentorship.is_ended:
        pair_ended(mentorship=mentorship, actor=actor)
        audit.record(
            audit.Action.PAIR_CLOSED,
            actor=actor,
            object_type="relationships.mentorship",
            object_id=mentorship.pk,
            object_label=f"Mentorship {mentorship.pk}",
            detail={"status": to_status, "reason": reason},
        )
    note = Mentorship.CloseReason(reason).label if reason else ""
    _event(
        mentorship,
        actor=actor,
        kind=MentorshipEvent.Kind.STATUS,
        from_status=from_status,
        note=note,
    )
    return mentorship


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, actor) -> Mentorship:
    return _transition(mentorship=mentorship, to_status=Mentorship.Status.PAUSED, actor=actor)


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, actor) -> Mentorship:
    if mentorship.status != Mentorship.Status.PAUSED:
        raise TransitionError(_("Only a paused mentorship can be resumed."))
    return _transition(mentorship=mentorship, to_status=Mentorship.Status.ACTIVE, actor=actor)


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, actor, comment: str = "") -> Mentorship:
    return _transition(
        mentorship=mentorship,
        to_status=Mentorship.Status.COMPLETED,
        actor=actor,
        reason=Mentorship.CloseReason.GOALS_MET,
        comment=comment,
    )


@transaction.atomic
def mentorship_close(
    *, mentorship: Mentorship, actor, reason: str, comment: str = ""
) -> Mentorship:
    """End early. The reason is required; the comment is optional."""
    if reason not in Mentorship.CloseReason.values:
        raise TransitionError(_("Say why the mentorship closes."))
    return _transition(
        mentorship=mentorship,
        to_status=Mentorship.Status.CLOSED,
        actor=actor,
        reason=reason,
        comment=comment,
    )


@transaction.atomic
def closing_survey_submit(
    *,
    mentorship: Mentorship,
    person,
    recommend_score: int,
    answers: Mapping[str, object],
    comment: str = "",
) -> ClosingSurvey:
    mentorship = _locked(mentorship)
    if not mentorship.is_ended:
        raise TransitionError(_("The closing survey opens when the mentorship ends."))
    if not mentorship.is_member(person):
        raise TransitionError(_("Only the people in this mentorship answer its survey."))
    if not 0 <= recommend_score <= 10:
        raise TransitionError(_("The score runs from 0 to 10."))
    survey, created = ClosingSurvey.objects.get_or_create(
        mentorship=mentorship,
        person=person,
        defaults={
            "role": "mentor" if person.pk == mentorship.mentor_id else "mentee",
            "recommend_score": recommend_score,
            "answers": dict(answers),
            "comment": comment,
        },
    )
    if not created:
        raise TransitionError(_("You have already answered this survey. Thank you!"))
    return survey


@transaction.atomic
def pulse_answer_save(
    *,
    mentorship: Mentorship,
    person,
    round_: int,
    rating: int,
    comment: str | None = None,
    share_with_coordinator: bool = False,
) -> PulseAnswer:
    """Record (or change) a person's pulse rating for a round, and with `comment` (the optional
    second step) their comment and whether the coordinator may read it. Clicking twice keeps one
    answer: the unique key, not a look-up, keeps it to one row when two clicks race. A comment
    not shared is nobody's but the person's; an empty one is never shared."""
    if rating not in range(1, 6):
        raise DomainError(_("A pulse rating is from 1 to 5."))
    fields: dict = {"rating": rating}
    if comment is not None:
        fields |= {
            "comment": comment,
            "share_with_coordinator": share_with_coordinator and bool(comment),
        }
    answer, created = PulseAnswer.objects.get_or_create(
        mentorship=mentorship, person=person, round=round_, defaults=fields
    )
    changed = {name for name, value in fields.items() if getattr(answer, name) != value}
    if not created and changed:
        for name in changed:
            setattr(answer, name, fields[name])
        answer.answered_at = timezone.now()
        answer.save(update_fields=[*changed, "answered_at"])
    return answer
