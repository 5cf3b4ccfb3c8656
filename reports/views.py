from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import services as audit
from core.errors import refusal_shown
from core.fragments import Deferred
from matching.explain import criterion_label
from matching.forms import weight_field_name
from programs.access import get_program_for_coordinator, programs_coordinated_by
from reports.access import pair_list_programs, report_programs
from reports.charts import chart, pivot
from reports.exports import (
    csv_lines,
    pair_table,
    report_table,
    session_table,
    xlsx_file,
)
from reports.figure_cache import cached_participation_report
from reports.figures import CLOSE_REASONS, FIGURE_BY_KEY, FIGURES, OFF_PERIOD, display
from reports.forms import ReportFilterForm, WeightChangeForm
from reports.funnel import DIMENSION_LABELS, MEASURES
from reports.funnel import DIMENSIONS as FUNNEL_DIMENSIONS
from reports.pulse import DIMENSION_LABELS as PULSE_DIMENSION_LABELS
from reports.pulse import DIMENSIONS as PULSE_DIMENSIONS
from reports.pulse import FIGURES as PULSE_FIGURES
from reports.pulse import SOURCE_FIGURES
from reports.quality import OUTCOME_LABELS, quality_page, question_texts
from reports.retention import retention_page
from reports.selectors import ReportFilters, report_departments
from reports.services import weight_change_apply


def _min_group_size() -> int:
    return settings.REPORTS_MIN_GROUP_SIZE


def _filter_form(request: HttpRequest, programs) -> ReportFilterForm:
    departments = list(report_departments(ReportFilters(programs=programs)))
    return ReportFilterForm(request.GET or None, programs=programs, departments=departments)


def participation(request: HttpRequest) -> HttpResponse:
    programs = report_programs(request.user)  # 404 for someone without reports, cached or not
    # Computed only when the page's cached part is missing (core/fragments.py).
    page = Deferred(lambda: _participation_context(request, programs))
    return render(request, "reports/participation.html", {"participation": page})


def _participation_context(request: HttpRequest, programs) -> dict:
    form = _filter_form(request, programs)
    report = None
    if not form.is_bound or form.is_valid():
        report = cached_participation_report(form.filters(), k=_min_group_size())
    return {
        "form": form,
        "report": report and _page(report),
        "query": request.GET.urlencode(),
        "can_list_pairs": programs is not None or programs_coordinated_by(request.user).exists(),
        "quality": report and quality_page(report.quality, programs_coordinated_by(request.user)),
        "outcome_labels": list(OUTCOME_LABELS.values()),
    }


@require_POST
def weight_change(request: HttpRequest, slug: str) -> HttpResponse:
    """A suggested weight change (reports.quality), applied by a coordinator of the program for
    its next run, and recorded in the audit log."""
    program = get_program_for_coordinator(request.user, slug)
    form = WeightChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That weight change could not be read; nothing was applied."))
        return redirect("reports:participation")
    data = form.cleaned_data
    with refusal_shown(request) as done:
        weight_change_apply(
            program=program,
            criterion=data["criterion"],
            current=data["current"],
            suggested=data["suggested"],
        )
    if done:
        audit.record_settings_change(
            request=request,
            obj=program,
            settings_name="matching",
            fields=[weight_field_name(data["criterion"])],
        )
        messages.success(
            request,
            _("%(program)s: %(criterion)s %(current)d → %(suggested)d, from the next run.")
            % {
                "program": program.name,
                "criterion": criterion_label(data["criterion"], question_texts(program)),
                "current": data["current"],
                "suggested": data["suggested"],
            },
        )
    # Back to the same report: its filters, re-encoded, after a fixed path.
    query = QueryDict(data["query"]).urlencode()
    return redirect(f"{reverse('reports:participation')}?{query}#match-quality")


def _page(report) -> dict:
    """The report as the template and the charts read it: every value already shown as text
    (or "fewer than K"); numbers for the charts with None where a value is suppressed."""
    k = report.k
    overall = report.overall.values(k)
    matched = FIGURE_BY_KEY["share_matched"]
    outcome_keys = ["pairs_completed", *(f"closed_{value}" for value, _ in CLOSE_REASONS)]

    def rows(groups) -> list[dict]:
        return [{"label": group.label, "values": group.values(k)} for group in groups]

    departments = rows(report.breakdowns["department"])
    seniority = rows(report.breakdowns["seniority"])
    labels = [f.label for f in FIGURES]

    def table(groups: list[dict]) -> list:
        cells = [
            (row["label"], [display(row["values"][f.key], f) for f in FIGURES]) for row in groups
        ]
        return pivot(cells, labels)

    trend = report.trend_values()
    matched_rows = [(_("All"), overall["share_matched"])] + [
        (row["label"], row["values"]["share_matched"]) for row in departments
    ]
    outcomes = [(FIGURE_BY_KEY[key], overall[key]) for key in outcome_keys]
    funnel = report.funnel
    funnel_overall = funnel.values(funnel.overall)
    funnel_stages = [(str(f.label), funnel_overall[f.key]) for f in funnel.stages]
    pulse = report.pulse
    pulse_overall = pulse.values(pulse.overall)
    pulse_average = PULSE_FIGURES[1]
    pulse_points = [(str(_("All")), pulse_overall["pulse_average"])] + [
        (label, pulse.values(stats)["pulse_average"])
        for label, stats in pulse.breakdowns["department"]
    ]
    retention = retention_page(report.retention)
    charts = {
        "pulse": chart(pulse_points),
        "funnel": chart(funnel_stages),
        "trend": chart(trend),
        "matched": chart(matched_rows),
        "outcomes": chart([(figure.label, value) for figure, value in outcomes]),
        **({"retention": retention["chart"]} if retention else {}),
    }
    return {
        "k": k,
        "off_period": OFF_PERIOD,
        "filters": report.filters.describe(),
        # Nobody enrolled in what the filters choose: the page says so before its empty tables.
        "nobody": not any(stat.people for stat in report.overall.stats.values()),
        "figures": FIGURES,
        "summary": [(f, display(overall[f.key], f)) for f in FIGURES],
        "departments": table(departments),
        "seniority": table(seniority),
        "trend": [(period, str(value)) for period, value in trend],
        "matched": [(label, display(value, matched)) for label, value in matched_rows],
        "outcomes": [(figure.label, display(value, figure)) for figure, value in outcomes],
        "funnel_stages": [
            (label, display(value, figure))
            for (label, value), figure in zip(funnel_stages, funnel.stages, strict=True)
        ],
        "funnel_measures": [
            (figure, display(funnel_overall[figure.key], figure)) for figure in MEASURES
        ],
        "funnel_breakdowns": [
            (
                DIMENSION_LABELS[dim],
                f"funnel-by-{dim}",
                _tables(funnel, funnel.figures, funnel.breakdowns[dim]),
            )
            for dim in FUNNEL_DIMENSIONS
        ],
        "funnel_days": funnel.first_meeting_days,
        "pulse_rows": [(label, display(value, pulse_average)) for label, value in pulse_points],
        "validity": report.validity.values(),
        "validity_sources": [
            (label, _cells(report.validity.source_values(stats), SOURCE_FIGURES))
            for label, stats in report.validity.by_source
        ],
        "pulse_summary": [(f, display(pulse_overall[f.key], f)) for f in PULSE_FIGURES],
        "pulse_breakdowns": [
            (
                PULSE_DIMENSION_LABELS[dim],
                f"pulse-by-{dim}",
                _tables(pulse, PULSE_FIGURES, pulse.breakdowns[dim]),
            )
            for dim in PULSE_DIMENSIONS
        ],
        "retention": retention,
        "charts": charts,
        "chart_data": {name: c.as_json() for name, c in charts.items()},
    }


def _cells(values: dict, figures) -> list[str]:
    return [display(values[f.key], f) for f in figures]


def _tables(source, figures, breakdown) -> list:
    """A breakdown of the funnel or the pulse as narrow tables (reports.charts.pivot)."""
    groups = []
    for label, stats in breakdown:
        values = source.values(stats)
        groups.append((label, _cells(values, figures)))
    return pivot(groups, [str(f.label) for f in figures])


def _filtered(request: HttpRequest, programs) -> ReportFilters | None:
    form = _filter_form(request, programs)
    if form.is_bound and not form.is_valid():
        return None
    return form.filters()


def _download(rows, *, fmt: str, name: str, title: str):
    stamp = timezone.localdate().isoformat()
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(xlsx_file(rows, title=title), as_attachment=True, filename=filename)


def report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filters = _filtered(request, report_programs(request.user))
    if filters is None:
        return HttpResponseBadRequest(_("Invalid filters."))
    report = cached_participation_report(filters, k=_min_group_size())
    rows = report_table(report, text=fmt == "csv")
    return _download(rows, fmt=fmt, name="participation-report", title=_("Participation"))


def sessions_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filters = _filtered(request, report_programs(request.user))
    if filters is None:
        return HttpResponseBadRequest(_("Invalid filters."))
    rows = session_table(filters, k=_min_group_size())
    return _download(rows, fmt=fmt, name="session-activity", title=_("Sessions"))


def pairs_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filters = _filtered(request, pair_list_programs(request.user))
    if filters is None:
        return HttpResponseBadRequest(_("Invalid filters."))
    return _download(pair_table(filters), fmt=fmt, name="pair-activity", title=_("Pairs"))
