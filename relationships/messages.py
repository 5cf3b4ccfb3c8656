"""A nudge when a pair goes quiet: one to everyone in the pair per quiet spell of twice the
cadence (Mentorship.is_stalled). The Dispatch key makes a message out of each spell once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, planner
from notifications.rendering import link, render_for
from relationships.models import Mentorship
from relationships.selectors import is_member, member_user_ids, quiet_pairs, quiet_since, with_pulse

KIND_NUDGE = "nudge"
NUDGE_AFTER = 2  # cadences without a session
STAMP = "%Y%m%dT%H%M%SZ"


def _stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):{STAMP}}"


@planner
def plan_nudges(now: datetime) -> Iterable[Planned]:
    """One nudge to everyone in the pair per quiet spell of twice the cadence."""
    quiet = [
        (pk, since, due) for pk, _, since, due in quiet_pairs(Mentorship.objects, now, NUDGE_AFTER)
    ]
    members = member_user_ids(pk for pk, _, _ in quiet)
    for pk, since, due in quiet:
        for user_id in members[pk]:
            yield Planned(KIND_NUDGE, pk, f"quiet-since-{_stamp(since)}", user_id, due)


@kind(KIND_NUDGE, category=Category.NUDGES)
def build_nudge(dispatch: Dispatch):
    mentorship = (
        with_pulse(Mentorship.objects.filter(pk=dispatch.object_id))
        .select_related("mentor__user")
        .first()
    )
    if mentorship is None or mentorship.status != Mentorship.Status.ACTIVE:
        return None
    if dispatch.occurrence != f"quiet-since-{_stamp(quiet_since(mentorship))}":
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
            "since": quiet_since(mentorship),
            "schedule_url": link("scheduling:meeting_create", [mentorship.pk]),
            "pair_url": link("relationships:mentorship_detail", [mentorship.pk]),
        },
    )
