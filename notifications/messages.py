"""Messages that keep pairs going: goal check-ins on the cadence, a nudge when a pair goes
quiet, and the coordinator's daily digest (mentor-request reminders and expiry notices are
matching's: matching.messages).

Each planner derives what is due from the data as it is now; the Dispatch key makes a
message out of each (pair, period) or (request, event) once."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db.models import F, Max, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from goals.models import CheckIn, Goal
from matching.models import MentorRequest
from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, planner
from notifications.rendering import link, render_for, zone_of
from notifications.selectors import is_member, member_user_ids, time_zones
from programs.models import Program
from relationships.models import Mentorship

KIND_CHECKIN = "goal_checkin"
KIND_NUDGE = "nudge"
KIND_DIGEST = "digest"

NUDGE_AFTER = 2  # cadences without a session
DIGEST_AFTER = 3  # cadences without a session before the coordinator hears of it
REQUEST_REMINDER_AFTER = timedelta(days=3)  # pending this long: the digest lists it
DIGEST_HOUR = 8  # local time of the coordinator
OPEN_GOALS = (Goal.Status.NOT_STARTED, Goal.Status.IN_PROGRESS)
STAMP = "%Y%m%dT%H%M%SZ"


def with_pulse(mentorships: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    """The agreed cadence and the last session, as Mentorship.cadence and is_stalled read
    them."""
    return mentorships.annotate(
        cadence_days=Coalesce(F("agreement__cadence_days"), F("cohort__program__cadence_days")),
        last_session_at=Max("sessions__occurred_at"),
    )


def quiet_since(mentorship: Mentorship) -> datetime:
    """Same rule as Mentorship.is_stalled: the last session, else the start."""
    return mentorship.last_session_at or mentorship.started_at or mentorship.created_at


def quiet_pairs(mentorships: QuerySet[Mentorship], now: datetime, cadences: int):
    """(id, program id, quiet since, when it became quiet enough) of active pairs with no
    session for `cadences` times their cadence. Plain values: the scan reads every pair."""
    rows = with_pulse(mentorships.filter(status=Mentorship.Status.ACTIVE)).values_list(
        "pk", "cohort__program_id", "last_session_at", "started_at", "created_at", "cadence_days"
    )
    for pk, program_id, last, started, created, cadence in rows:
        since = last or started or created
        due = since + cadences * timedelta(days=cadence)
        if due < now:
            yield pk, program_id, since, due


def _stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):{STAMP}}"


# --- Goal check-ins ---------------------------------------------------------------------------


def _open_goal_owners(mentorship_ids=None) -> set[tuple[int, int]]:
    goals = Goal.objects.filter(status__in=OPEN_GOALS, mentorship__status=Mentorship.Status.ACTIVE)
    if mentorship_ids is not None:
        goals = goals.filter(mentorship_id__in=mentorship_ids)
    return set(goals.values_list("mentorship_id", "owner__user_id").distinct())


def _checkin_period(mentorship: Mentorship, now: datetime) -> tuple[int, datetime, timedelta]:
    anchor = mentorship.started_at or mentorship.created_at
    cadence = timedelta(days=mentorship.cadence)
    period = (now - anchor) // cadence
    return period, anchor + period * cadence, cadence


@planner
def plan_checkins(now: datetime) -> Iterable[Planned]:
    """Once per cadence after the pair started, each owner of open goals, unless they checked
    in during the cadence before."""
    owners = _open_goal_owners()
    if not owners:
        return
    ids = {mentorship_id for mentorship_id, _ in owners}
    mentorships = {m.pk: m for m in with_pulse(Mentorship.objects.filter(pk__in=ids))}
    last_checkin = {
        (row["goal__mentorship_id"], row["author__user_id"]): row["last"]
        for row in CheckIn.objects.filter(goal__mentorship_id__in=ids)
        .values("goal__mentorship_id", "author__user_id")
        .annotate(last=Max("created_at"))
    }
    for mentorship_id, user_id in owners:
        period, due, cadence = _checkin_period(mentorships[mentorship_id], now)
        if period < 1:
            continue
        last = last_checkin.get((mentorship_id, user_id))
        if last is not None and last >= due - cadence:
            continue
        yield Planned(KIND_CHECKIN, mentorship_id, f"p{period}", user_id, due)


@kind(KIND_CHECKIN, category=Category.CHECKINS)
def build_checkin(dispatch: Dispatch):
    mentorship = Mentorship.objects.filter(
        pk=dispatch.object_id, status=Mentorship.Status.ACTIVE
    ).first()
    if mentorship is None:
        return None
    goals = list(
        Goal.objects.filter(
            mentorship=mentorship, owner__user=dispatch.recipient, status__in=OPEN_GOALS
        )
    )
    if not goals:
        return None
    return render_for(
        dispatch,
        "notifications/emails/goal_checkin",
        {
            "mentorship": mentorship,
            "goals": goals,
            "checkin_url": link("relationships:mentorship_detail", [mentorship.pk], query="")
            + "#checkin-heading",
        },
    )


# --- Nudges -----------------------------------------------------------------------------------


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
        "notifications/emails/nudge",
        {
            "mentorship": mentorship,
            "others": others,
            "since": quiet_since(mentorship),
            "schedule_url": link("scheduling:meeting_create", [mentorship.pk]),
            "pair_url": link("relationships:mentorship_detail", [mentorship.pk]),
        },
    )


# --- The coordinator's digest -----------------------------------------------------------------


@dataclass
class DigestItems:
    stalled: list[Mentorship]
    requests: list[MentorRequest]

    def __bool__(self) -> bool:
        return bool(self.stalled or self.requests)


def digest_items(programs: QuerySet[Program], now: datetime) -> dict[int, DigestItems]:
    """Program id -> pairs quiet for three cadences and requests pending three days or more."""
    items: dict[int, DigestItems] = defaultdict(lambda: DigestItems([], []))
    stalled = {
        pk: since
        for pk, _, since, _ in quiet_pairs(
            Mentorship.objects.filter(cohort__program__in=programs), now, DIGEST_AFTER
        )
    }
    for mentorship in (
        Mentorship.objects.filter(pk__in=list(stalled))
        .select_related("cohort__program", "mentor__user")
        .prefetch_related("mentees__user")
    ):
        mentorship.quiet_since = stalled[mentorship.pk]
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
    programs = {
        program_id for _, program_id, _, _ in quiet_pairs(Mentorship.objects, now, DIGEST_AFTER)
    }
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
        "notifications/emails/digest",
        {
            "sections": sections,
            "stalled_count": sum(len(s["stalled"]) for s in sections),
            "requests_count": sum(len(s["requests"]) for s in sections),
            "local_date": timezone.now().astimezone(zone_of(user)).date(),
        },
    )
