"""What the signed-in person's dashboard shows: first what needs them now, each item one click
from the page where it is done, then the panels for their roles.

The dashboard sits on top of the apps and reads through their selectors: one query per kind
of item, scoped to the user, so the page costs the same however much is waiting."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.roles import Roles
from flash.participant_access import events_for_dashboard, has_ended
from matching import selectors as matching
from matching.why_not import Explanation, why_not_for_mentee
from programs import selectors as programs
from programs.access import can_create_programs, cohorts_coordinated_by, enrolments_of
from programs.models import Cohort, Enrolment
from relationships import selectors as relationships
from relationships.access import mentorships_coordinated_by, person_of
from scheduling.selectors import meetings_to_log, next_meeting_starts

OPEN_COHORTS_SHOWN = 5
QUIET_PAIRS_SHOWN = 6


@dataclass(frozen=True)
class Item:
    text: str
    url: str
    where: str = ""  # the cohort or pair it is about, when the text does not say


@dataclass
class Dashboard:
    actions: list[Item] = field(default_factory=list)  # what needs the person now
    waiting: list[Item] = field(default_factory=list)  # what they wait for from others
    mentorships: list = field(default_factory=list)
    pulse: list[tuple[Cohort, dict[str, int]]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # the pulse over all cohorts
    quiet_pairs: list = field(default_factory=list)  # stalled pairs, quiet longest first
    running_cohorts: int = 0  # the coordinator's cohorts past their draft
    can_create_programs: bool = False  # asked only when there is no cohort to show
    # (enrolment, explanation) where a published run left the person without a partner
    why_not: list[tuple[Enrolment, Explanation]] = field(default_factory=list)


def dashboard_for(user, roles: Roles) -> Dashboard:
    board = Dashboard()
    enrolments = list(enrolments_of(user).order_by("pk")) if roles.participant else []
    if roles.coordinator:
        _coordinator(board, user)
    if roles.participant:
        _participant(board, user, enrolments)
    joined = {Enrolment.Status.APPLIED, Enrolment.Status.APPROVED}
    if not roles.coordinator and not any(e.status in joined for e in enrolments):
        _open_cohorts(board, user)
    if roles.hr_viewer:
        board.actions.append(
            Item(_("See participation and outcomes"), reverse("reports:participation"))
        )
    return board


def _names(people) -> str:
    return ", ".join(person.name for person in people)


def _day(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y")


def _participant(board: Dashboard, user, enrolments: list[Enrolment]) -> None:
    actions, waiting = board.actions, board.waiting
    for enrolment in enrolments:
        if enrolment.status == Enrolment.Status.INVITED:
            actions.append(
                Item(
                    _("Answer your invitation to %(cohort)s") % {"cohort": enrolment.cohort},
                    reverse("programs:enrolment_respond", args=[enrolment.pk]),
                )
            )
        elif enrolment.status == Enrolment.Status.APPLIED:
            waiting.append(
                Item(
                    _("Your application to %(cohort)s is with the coordinator")
                    % {"cohort": enrolment.cohort},
                    reverse("programs:my_enrolments"),
                )
            )
    for request in matching.requests_to_answer(user):
        actions.append(
            Item(
                _("%(name)s asks you to be their mentor: answer by %(day)s")
                % {"name": request.mentee.person.name, "day": _day(request.expires_at)},
                reverse("matching:requests"),
                where=str(request.cohort),
            )
        )
    board.mentorships = relationships.participant_overview(user)
    starts = next_meeting_starts(user) if board.mentorships else {}
    for m in board.mentorships:
        m.next_meeting_at = starts.get(m.pk)
    board.why_not = why_not_for_mentee(user)
    for m in board.mentorships:
        _mentorship_items(actions, m)
    me = person_of(user)
    for meeting in meetings_to_log(user):
        others = [p for p in meeting.mentorship.members() if me is None or p.pk != me.pk]
        actions.append(
            Item(
                _("Log how your meeting of %(day)s with %(names)s went")
                % {"day": _day(meeting.start), "names": _names(others)},
                reverse("scheduling:meeting_log", args=[meeting.pk]),
            )
        )
    _flash_items(board, user)
    for enrolment in matching.enrolments_to_find_a_mentor(user):
        actions.append(
            Item(
                _("Find a mentor in %(cohort)s") % {"cohort": enrolment.cohort},
                reverse("matching:find_mentor", args=[enrolment.pk]),
            )
        )
    for request in matching.requests_waiting(user):
        waiting.append(
            Item(
                _("Your request to %(name)s waits for an answer until %(day)s")
                % {"name": request.mentor.person.name, "day": _day(request.expires_at)},
                reverse("matching:requests"),
                where=str(request.cohort),
            )
        )


def _flash_items(board: Dashboard, user) -> None:
    """A flash event's schedule before it; whom to continue with and the survey after it."""
    now = timezone.now()
    for event in events_for_dashboard(user):
        where = str(event.cohort)
        slug = event.cohort.slug
        if not has_ended(event, now):
            when = _day(event.starts_at) if event.starts_at else _("date to be set")
            board.actions.append(
                Item(
                    _("See your rounds at %(event)s (%(day)s)")
                    % {"event": event.cohort.name, "day": when},
                    reverse("flash:my_schedule", args=[slug]),
                    where,
                )
            )
            continue
        if not event.chose:
            board.actions.append(
                Item(
                    _("Choose whom you would like to continue with after %(event)s")
                    % {"event": event.cohort.name},
                    reverse("flash:choose", args=[slug]),
                    where,
                )
            )
        if not event.surveyed:
            board.actions.append(
                Item(
                    _("Answer three questions about %(event)s") % {"event": event.cohort.name},
                    reverse("flash:survey", args=[slug]),
                    where,
                )
            )


def _mentorship_items(actions: list[Item], m) -> None:
    """The mentorship's "needs you" flags from participant_overview, as items."""
    names = _names(m.partners)
    url = m.get_absolute_url()
    if not m.i_confirmed_agreement and not m.is_ended:
        actions.append(
            Item(
                _("Confirm your mentoring agreement with %(names)s") % {"names": names},
                f"{url}#agreement",
            )
        )
    if m.to_set_goals:
        actions.append(
            Item(
                _("Set your first goal with %(names)s") % {"names": names},
                reverse("goals:goal_create", args=[m.pk]),
            )
        )
    if m.sessions_to_confirm:
        actions.append(
            Item(
                ngettext(
                    "Confirm %(count)d session logged with %(names)s",
                    "Confirm %(count)d sessions logged with %(names)s",
                    m.sessions_to_confirm,
                )
                % {"count": m.sessions_to_confirm, "names": names},
                url,
            )
        )
    if m.sessions_to_rate:
        actions.append(
            Item(
                ngettext(
                    "Rate %(count)d session with %(names)s",
                    "Rate %(count)d sessions with %(names)s",
                    m.sessions_to_rate,
                )
                % {"count": m.sessions_to_rate, "names": names},
                url,
            )
        )
    if m.is_ended and not m.survey_done:
        actions.append(
            Item(
                _("Answer the closing survey of your mentorship with %(names)s") % {"names": names},
                reverse("relationships:closing_survey", args=[m.pk]),
            )
        )


def _open_cohorts(board: Dashboard, user) -> None:
    for cohort in programs.open_cohorts_for(user)[:OPEN_COHORTS_SHOWN]:
        board.actions.append(
            Item(
                _("Apply to %(cohort)s") % {"cohort": cohort},
                reverse("programs:apply", args=[cohort.slug]),
            )
        )


def _coordinator(board: Dashboard, user) -> None:
    cohorts_qs = cohorts_coordinated_by(user).exclude(status=Cohort.Status.DRAFT)
    cohorts = list(cohorts_qs.order_by("-start_date", "program__name", "name"))
    pulse = relationships.cohorts_pulse(mentorships_coordinated_by(user))
    board.pulse = [(cohort, pulse[cohort.pk]) for cohort in cohorts if cohort.pk in pulse]
    board.running_cohorts = len(cohorts)
    if not cohorts:
        board.can_create_programs = can_create_programs(user)
    board.totals = {
        key: sum(counts[key] for _, counts in board.pulse) for key in ("pairs", "active", "stalled")
    }
    if board.totals["stalled"]:
        board.quiet_pairs = relationships.quiet_pairs(
            mentorships_coordinated_by(user).filter(cohort__in=cohorts), QUIET_PAIRS_SHOWN
        )
    live = cohorts_qs.exclude(status=Cohort.Status.CLOSED)
    applications = programs.pending_application_counts(live)
    unmatched = matching.unmatched_mentee_counts(live)
    overdue = matching.overdue_request_counts(live)
    runs = {run.cohort_id: run for run in matching.runs_ready_to_publish(live)}
    for cohort in cohorts:
        if cohort.status == Cohort.Status.CLOSED:
            continue
        where = str(cohort)
        if count := applications.get(cohort.pk):
            url = reverse("programs:cohort_detail", args=[cohort.slug])
            board.actions.append(
                Item(
                    ngettext(
                        "Approve or decline %(count)d application",
                        "Approve or decline %(count)d applications",
                        count,
                    )
                    % {"count": count},
                    f"{url}?{urlencode({'status': Enrolment.Status.APPLIED})}",
                    where,
                )
            )
        if run := runs.get(cohort.pk):
            board.actions.append(
                Item(
                    ngettext(
                        "Review and publish %(count)d proposed pair",
                        "Review and publish %(count)d proposed pairs",
                        run.proposal_count,
                    )
                    % {"count": run.proposal_count},
                    reverse("matching:cohort", args=[cohort.slug]),
                    where,
                )
            )
        if waiting := unmatched.get(cohort.pk):
            count, published = waiting
            board.actions.append(
                Item(
                    ngettext(
                        "Pair %(count)d mentee who has no mentor",
                        "Pair %(count)d mentees who have no mentor",
                        count,
                    )
                    % {"count": count},
                    reverse("relationships:mentorship_new", args=[cohort.slug])
                    if published
                    else reverse("matching:cohort", args=[cohort.slug]),
                    where,
                )
            )
        if count := overdue.get(cohort.pk):
            board.actions.append(
                Item(
                    ngettext(
                        "Follow up %(count)d mentor request unanswered past its deadline",
                        "Follow up %(count)d mentor requests unanswered past their deadline",
                        count,
                    )
                    % {"count": count},
                    reverse("matching:cohort", args=[cohort.slug]),
                    where,
                )
            )
        if count := pulse.get(cohort.pk, {}).get("stalled"):
            url = reverse("relationships:cohort_health", args=[cohort.slug])
            board.actions.append(
                Item(
                    ngettext(
                        "Check on %(count)d pair that has gone quiet",
                        "Check on %(count)d pairs that have gone quiet",
                        count,
                    )
                    % {"count": count},
                    f"{url}?show=stalled",
                    where,
                )
            )
