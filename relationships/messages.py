"""A nudge when a pair goes quiet: one to everyone in the pair each time it stalls
(Mentorship.is_stalled: no session for twice the cadence). The Dispatch key makes a message
out of each quiet spell once. And the pulse survey of running pairs (relationships.pulse): one
message per person per round."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models.functions import Coalesce

from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, occurrence_stamp, planner
from notifications.rendering import link, render_for
from relationships.models import Mentorship, PulseAnswer
from relationships.pulse import FIRST_AFTER, pulse_links, pulse_round_due
from relationships.selectors import is_member, member_user_ids

KIND_NUDGE = "nudge"
KIND_PULSE = "pulse"


@planner
def plan_nudges(now: datetime) -> Iterable[Planned]:
    """One nudge to everyone in the pair each time it stalls (Mentorship.is_stalled)."""
    quiet = list(
        Mentorship.objects.with_pulse(now)
        .filter(stalled=True)
        .values_list("pk", "last_contact_at", "stalled_at")
    )
    members = member_user_ids(pk for pk, _, _ in quiet)
    for pk, since, due in quiet:
        for user_id in members[pk]:
            yield Planned(KIND_NUDGE, pk, f"quiet-since-{occurrence_stamp(since)}", user_id, due)


@kind(KIND_NUDGE, category=Category.NUDGES)
def build_nudge(dispatch: Dispatch):
    mentorship = (
        Mentorship.objects.filter(pk=dispatch.object_id)
        .with_pulse()
        .select_related("mentor__user")
        .first()
    )
    if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE:
        return None
    if dispatch.occurrence != f"quiet-since-{occurrence_stamp(mentorship.last_contact_at)}":
        return None  # they met since
    if not is_member(mentorship.pk, dispatch.recipient_id):
        return None
    others = [p for p in mentorship.members() if p.user_id != dispatch.recipient_id]
    return render_for(
        dispatch,
        "relationships/emails/nudge",
        {
            "mentorship": mentorship,
            "others": others,
            "since": mentorship.last_contact_at,
            "schedule_url": link("scheduling:meeting_create", [mentorship.pk]),
            "pair_url": link("relationships:mentorship_detail", [mentorship.pk]),
        },
    )


@planner
def plan_pulse_surveys(now: datetime) -> Iterable[Planned]:
    """The latest round due (relationships.pulse) to everyone in each active pair; the Dispatch
    key sends each round once. Rounds count from when the pair started (both confirmed the
    agreement): a pair that took three weeks to agree has had no mentoring to rate yet."""
    pairs = list(
        Mentorship.objects.annotate(began=Coalesce("started_at", "created_at"))
        .filter(
            status=Mentorship.Status.ACTIVE,
            began__lte=now - FIRST_AFTER,
            cohort__program__pulse_every_days__gt=0,
        )
        .values_list("pk", "began", "cohort__program__pulse_every_days")
    )
    members = member_user_ids(pk for pk, _, _ in pairs)
    for pk, began, every in pairs:
        due = pulse_round_due(began, now, every)
        if due is None:
            continue
        round_, due_at = due
        for user_id in members[pk]:
            yield Planned(KIND_PULSE, pk, f"pulse-{round_}", user_id, due_at)


@kind(KIND_PULSE, category=Category.PULSE)
def build_pulse(dispatch: Dispatch):
    mentorship = (
        Mentorship.objects.filter(pk=dispatch.object_id).select_related("cohort__program").first()
    )
    if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE:
        return None
    if not is_member(mentorship.pk, dispatch.recipient_id):
        return None
    round_ = int(dispatch.occurrence.removeprefix("pulse-"))
    if PulseAnswer.objects.filter(
        mentorship=mentorship, person__user_id=dispatch.recipient_id, round=round_
    ).exists():
        return None  # answered already (a link from an earlier copy)
    return render_for(
        dispatch,
        "relationships/emails/pulse",
        {
            "mentorship": mentorship,
            "program": mentorship.cohort.program,
            "links": pulse_links(mentorship.pk, dispatch.recipient_id, round_),
        },
    )
