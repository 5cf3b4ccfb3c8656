"""The monthly report: on the first of each month (or at the first scan after it), every HR
viewer gets the headline figures of the participation report for the month before, with a link
to the page. The figures are the page's own (reports.selectors.participation_report over the
reader's scope, shown through reports.figures), so the same small-group suppression applies; no
free text is in them. The Dispatch key (the month) sends each month's report once per person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from notifications.models import Category, Dispatch
from notifications.registry import Planned, kind, planner
from notifications.rendering import link, render_for
from reports.access import report_programs
from reports.figures import FIGURE_BY_KEY, display
from reports.periods import month_end, month_number, month_start
from reports.selectors import ReportFilters, participation_report
from users.models import User

KIND_MONTHLY_REPORT = "monthly_report"
HEADLINE = (
    "mentors_enrolled",
    "mentees_enrolled",
    "share_matched",
    "median_days_to_match",
    "sessions",
    "hours",
    "average_rating",
    "pairs_completed",
    "pairs_closed_early",
)


def _month_label(month: int) -> str:
    return f"{month_start(month):%Y-%m}"


@planner
def plan_monthly_reports(now: datetime) -> Iterable[Planned]:
    """Last month's report to every HR viewer; object_id is the month (reports.periods)."""
    today = timezone.localdate(now)
    month = month_number(today) - 1
    due = timezone.make_aware(datetime.combine(month_start(month + 1), datetime.min.time()))
    viewers = User.objects.filter(is_hr_viewer=True, is_active=True).values_list("pk", flat=True)
    for user_id in viewers:
        yield Planned(KIND_MONTHLY_REPORT, month, _month_label(month), user_id, due)


@kind(KIND_MONTHLY_REPORT, category=Category.REPORTS)
def build_monthly_report(dispatch: Dispatch):
    user = dispatch.recipient
    if not (user.is_active and user.is_hr_viewer):
        return None  # no longer reads reports
    month = dispatch.object_id
    k = settings.REPORTS_MIN_GROUP_SIZE
    filters = ReportFilters(
        programs=report_programs(user), since=month_start(month), until=month_end(month)
    )
    values = participation_report(filters, k=k).overall.values(k)
    label = _month_label(month)
    return render_for(
        dispatch,
        "reports/emails/monthly_report",
        {
            "month": month_start(month),
            "k": k,
            "figures": [
                (FIGURE_BY_KEY[key].label, display(values[key], FIGURE_BY_KEY[key]))
                for key in HEADLINE
            ],
            "report_url": link("reports:participation", query=f"since={label}&until={label}"),
        },
    )
