"""A nudge when a pair goes quiet: one to everyone in the pair each time it stalls
(Mentorship.is_stalled: no session for twice the cadence). The Dispatch key makes a message
out of each quiet spell once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, occurrence_stamp, planner
from notifications.rendering import link, render_for
from relationships.models import Mentorship
from relationships.selectors import is_member, member_user_ids

KIND_NUDGE = "nudge"


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
