"""Loading a flash event for its coordinators: 404 for anyone else, and for a cohort that is
not a flash event."""

from __future__ import annotations

from django.http import Http404

from programs.access import get_cohort_for_coordinator
from programs.models import FlashEvent, Format


def get_event_for_coordinator(user, slug: str) -> FlashEvent:
    cohort = get_cohort_for_coordinator(user, slug)
    if cohort.program.format != Format.FLASH:
        raise Http404("not a flash event")
    event = FlashEvent.objects.filter(cohort=cohort).first()
    if event is None:
        raise Http404("no flash event")
    event.cohort = cohort
    return event
