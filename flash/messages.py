"""Flash mail: the coordinator published the rounds, so each person's schedule is ready."""

from __future__ import annotations

from flash.models import Meeting
from flash.services import KIND_SCHEDULE_READY
from notifications.models import Dispatch
from notifications.registry import kind
from notifications.rendering import link, render_for
from programs.models import FlashEvent


@kind(KIND_SCHEDULE_READY, category=None)
def build_schedule_ready(dispatch: Dispatch):
    event = (
        FlashEvent.objects.select_related("cohort__program", "plan").filter(pk=dispatch.object_id)
    ).first()
    if event is None or not hasattr(event, "plan") or not event.plan.is_published:
        return None
    person = getattr(dispatch.recipient, "person", None)
    if person is None:
        return None
    meetings = Meeting.objects.filter(event=event).filter(mentee=person).count() + (
        Meeting.objects.filter(event=event, mentor=person).values("round").distinct().count()
    )
    if not meetings:
        return None  # re-planned since and no longer seated
    return render_for(
        dispatch,
        "flash/emails/schedule_ready",
        {
            "event": event,
            "cohort": event.cohort,
            "meetings": meetings,
            "link": link("flash:my_schedule", [event.cohort.slug]),
        },
    )
