"""The coordinator's daily digest: the dashboard's "needs you" by email. Pairs quiet for
three cadences and mentor requests pending three days or more, per program, once a day at
DIGEST_HOUR in the coordinator's time zone."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from matching.messages import REQUEST_REMINDER_AFTER
from matching.models import MentorRequest
from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, planner
from notifications.rendering import link, render_for, zone_of
from notifications.selectors import time_zones
from programs.models import Program
from relationships.models import Mentorship

KIND_DIGEST = "digest"
DIGEST_AFTER = 3  # cadences without a session before the coordinator hears of it
DIGEST_HOUR = 8  # local time of the coordinator


@dataclass
class DigestItems:
    stalled: list[Mentorship]
    requests: list[MentorRequest]

    def __bool__(self) -> bool:
        return bool(self.stalled or self.requests)


def digest_items(programs: QuerySet[Program], now: datetime) -> dict[int, DigestItems]:
    """Program id -> pairs quiet for three cadences and requests pending three days or more."""
    items: dict[int, DigestItems] = defaultdict(lambda: DigestItems([], []))
    for mentorship in (
        Mentorship.objects.filter(cohort__program__in=programs)
        .quiet_for(DIGEST_AFTER, now)
        .select_related("cohort__program", "mentor__user")
        .prefetch_related("mentees__user")
    ):
        items[mentorship.cohort.program_id].stalled.append(mentorship)
    for request in MentorRequest.objects.filter(
        status=MentorRequest.Status.PENDING,
        created_at__lte=now - REQUEST_REMINDER_AFTER,
        cohort__program__in=programs,
    ).select_related("cohort__program", "mentee__person__user", "mentor__person__user"):
        items[request.cohort.program_id].requests.append(request)
    return {program_id: found for program_id, found in items.items() if found}


@planner
def plan_digests(now: datetime) -> Iterable[Planned]:
    """One digest a day per coordinator with something to report, at DIGEST_HOUR their time."""
    programs = set(
        Mentorship.objects.quiet_for(DIGEST_AFTER, now).values_list("cohort__program_id", flat=True)
    )
    programs |= set(
        MentorRequest.objects.filter(
            status=MentorRequest.Status.PENDING, created_at__lte=now - REQUEST_REMINDER_AFTER
        ).values_list("cohort__program_id", flat=True)
    )
    coordinators = set(
        Program.coordinators.through.objects.filter(program_id__in=list(programs)).values_list(
            "user_id", flat=True
        )
    )
    for user_id, zone_name in time_zones(coordinators).items():
        try:
            zone = zoneinfo.ZoneInfo(zone_name or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        local = now.astimezone(zone)
        due = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)
        if local >= due:
            yield Planned(KIND_DIGEST, user_id, local.date().isoformat(), user_id, due)


@kind(KIND_DIGEST, category=Category.DIGEST)
def build_digest(dispatch: Dispatch):
    user = dispatch.recipient
    items = digest_items(Program.objects.filter(coordinators=user), timezone.now())
    if not items:
        return None
    programs = Program.objects.in_bulk(list(items))
    sections = [
        {
            "program": programs[program_id],
            "stalled": [
                {
                    "mentorship": m,
                    "url": link("relationships:mentorship_manage", [m.pk]),
                }
                for m in found.stalled
            ],
            "requests": found.requests,
            "requests_url": link("programs:program_detail", [programs[program_id].slug]),
        }
        for program_id, found in sorted(items.items(), key=lambda kv: programs[kv[0]].name)
    ]
    return render_for(
        dispatch,
        "portal/emails/digest",
        {
            "sections": sections,
            "stalled_count": sum(len(s["stalled"]) for s in sections),
            "requests_count": sum(len(s["requests"]) for s in sections),
            "local_date": timezone.now().astimezone(zone_of(user)).date(),
        },
    )
