"""Mail for the partners of someone who left the organisation (person_leave)."""

from __future__ import annotations

from governance.services import KIND_PARTNER_LEFT
from notifications.models import Dispatch
from notifications.registry import kind
from notifications.rendering import link, render_for
from relationships.models import Mentorship


@kind(KIND_PARTNER_LEFT, category=None)
def build_partner_left(dispatch: Dispatch):
    mentorship = (
        Mentorship.objects.filter(pk=dispatch.object_id, status=Mentorship.Status.CLOSED)
        .select_related("cohort__program", "mentor__user")
        .first()
    )
    if mentorship is None:
        return None
    left_id = int(dispatch.occurrence.removeprefix("left-"))
    leaver = next((m for m in mentorship.members() if m.user_id == left_id), None)
    if leaver is None or dispatch.recipient_id == left_id:
        return None
    return render_for(
        dispatch,
        "governance/emails/partner_left",
        {
            "mentorship": mentorship,
            "leaver": leaver,
            "pair_url": link("relationships:mentorship_detail", [mentorship.pk]),
        },
    )
