"""The REST API. Every object is loaded through the same scoping helpers as the pages
(programs.access, matching.access, relationships.access, reports.access, jobs.access), and
every write goes through the same services, so the API can do nothing the pages would refuse.
Long work (matching) starts a job, as from the pages: 202 with the job, read until it ends."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from api import filters, serializers
from api.access import can_use_api, get_token_for_owner, tokens_of
from api.authentication import ApiUser
from api.forms import TokenCreateForm
from api.services import NewToken, api_token_create, api_token_revoke
from core.errors import DomainError
from jobs import services as job_services
from jobs.access import get_job_for_user, jobs_visible_to
from jobs.models import Job
from jobs.services import JobBusy
from matching import selectors as matching_selectors
from matching import services as matching_services
from matching.access import get_proposal_for_coordinator, get_run_for_coordinator
from matching.models import MatchRun, Proposal
from programs.access import (
    cohorts_coordinated_by,
    get_cohort_for_coordinator,
    programs_coordinated_by,
)
from programs.importing import cohort_import_records
from programs.models import Enrolment
from relationships.access import mentorships_coordinated_by
from relationships.selectors import with_activity
from reports.access import report_programs
from reports.exports import report_data
from reports.figure_cache import cached_participation_report
from reports.forms import ReportFilterForm
from reports.selectors import ReportFilters, report_departments

API_PREFIX = "/api/"


def exception_handler(exc, context):
    """What the domain refuses (a run already published, a pair the rules forbid) is a 409
    with the reason, as the pages show it in a message."""
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def page_not_found(request: HttpRequest, exception) -> HttpResponse:
    """The site's 404 handler: under the API, an address no route matches (a slug with a
    space, a negative id) answers JSON like every other API 404; elsewhere the site's page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


REFUSED = OpenApiResponse(serializers.RefusalSerializer, description="Refused: see detail.")


# --- Programs and cohorts -----------------------------------------------------------------------


class ProgramList(generics.ListAPIView):
    """The programs you coordinate (site admins: all)."""

    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter

    def get_queryset(self):
        return programs_coordinated_by(self.request.user).order_by("name", "pk")


class ProgramDetail(generics.RetrieveAPIView):
    serializer_class = serializers.ProgramSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return programs_coordinated_by(self.request.user)


class CohortList(generics.ListAPIView):
    """The cohorts of the programs you coordinate."""

    serializer_class = serializers.CohortSerializer
    filterset_class = filters.CohortFilter

    def get_queryset(self):
        return cohorts_coordinated_by(self.request.user).order_by("program__name", "name", "pk")


class CohortDetail(generics.RetrieveAPIView):
    serializer_class = serializers.CohortSerializer

    def get_object(self):
        return get_cohort_for_coordinator(self.request.user, self.kwargs["slug"])


# --- Enrolments -------------------------------------------------------------------------------


class EnrolmentList(generics.ListAPIView):
    serializer_class = serializers.EnrolmentSerializer
    filterset_class = filters.EnrolmentFilter
    queryset = Enrolment.objects.none()  # for the schema only: get_queryset scopes

    def get_queryset(self):
        cohort = get_cohort_for_coordinator(self.request.user, self.kwargs["slug"])
        return cohort.enrolments.select_related("person__user").order_by(
            "person__user__email", "pk"
        )

    @extend_schema(
        summary="Create or update enrolments in bulk",
        description=(
            "The CSV import's rules: every row is checked first, then all of them are written "
            "or none (400 with the per-row report). Columns as in the CSV file; rows are "
            "matched to people by email. A body that cannot be read as rows gets the same "
            "report, listing only the rows with errors."
        ),
        request=serializers.EnrolmentUpsertSerializer,
        responses={
            200: serializers.ImportReportSerializer,
            400: serializers.ImportReportSerializer,
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        cohort = get_cohort_for_coordinator(request.user, slug)
        upsert = serializers.EnrolmentUpsertSerializer(data=request.data)
        if not upsert.is_valid():
            report = serializers.malformed_report(upsert.errors)
            return Response(
                serializers.ImportReportSerializer(report).data,
                status=status.HTTP_400_BAD_REQUEST,
            )
        report = cohort_import_records(
            cohort=cohort,
            records=upsert.validated_data["rows"],
            by=request.user,
            dry_run=upsert.validated_data["dry_run"],
        )
        return Response(
            serializers.ImportReportSerializer(report).data,
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )


# --- Matching ---------------------------------------------------------------------------------


def _with_counts(runs):
    return runs.select_related("cohort", "run_by").annotate(proposal_count=Count("proposals"))


class RunList(generics.ListAPIView):
    """The cohort's match runs, newest first."""

    serializer_class = serializers.MatchRunSerializer
    filterset_class = filters.MatchRunFilter
    queryset = MatchRun.objects.none()  # for the schema only: get_queryset scopes

    def get_queryset(self):
        cohort = get_cohort_for_coordinator(self.request.user, self.kwargs["slug"])
        return _with_counts(cohort.match_runs.order_by("-created_at", "-pk"))

    @extend_schema(
        summary="Start matching",
        description=(
            "Starts a job that matches the cohort around its locked pairs on a worker, as the "
            "matching page does, and answers at once with the job (its address is also in the "
            "Location header). Read the job until its state is `succeeded`: its `result.run` is "
            "the new run. One matching job per cohort at a time: while one is under way, 409 "
            "with the reason and, when it is yours to read, the job's address in `job`."
        ),
        request=None,
        responses={
            202: serializers.JobSerializer,
            409: OpenApiResponse(
                serializers.JobBusySerializer,
                description="A matching job is under way, or the cohort cannot be matched.",
            ),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        cohort = get_cohort_for_coordinator(request.user, slug)
        try:
            job = matching_services.match_run_start(cohort=cohort, run_by=request.user)
        except JobBusy as busy:
            refusal = {"detail": str(busy)}
            if jobs_visible_to(request.user).filter(pk=busy.job.pk).exists():
                refusal["job"] = _job_url(request, busy.job)
            return Response(refusal, status=status.HTTP_409_CONFLICT)
        return _job_response(request, job, headers={"Location": _job_url(request, job)})


class RunDetail(generics.RetrieveAPIView):
    serializer_class = serializers.MatchRunSerializer

    def get_object(self):
        cohort, run = get_run_for_coordinator(
            self.request.user, self.kwargs["slug"], self.kwargs["pk"]
        )
        return _with_counts(cohort.match_runs).get(pk=run.pk)


class ProposalList(generics.ListAPIView):
    """The run's proposals, locked first, then by score, each with its score breakdown."""

    serializer_class = serializers.ProposalSerializer
    queryset = Proposal.objects.none()  # for the schema only: get_queryset scopes

    def get_queryset(self):
        cohort, self.run = get_run_for_coordinator(
            self.request.user, self.kwargs["slug"], self.kwargs["pk"]
        )
        self.questions = matching_selectors.question_texts(cohort.program)
        return matching_selectors.run_proposals(self.run)

    def get_serializer_context(self) -> dict:
        return super().get_serializer_context() | {"questions": getattr(self, "questions", {})}


class RunPublish(APIView):
    @extend_schema(
        summary="Publish a run",
        description="Turns the run's proposals into mentorships and tells everyone matched.",
        request=None,
        responses={200: serializers.PublishedSerializer, 409: REFUSED},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        _cohort, run = get_run_for_coordinator(request.user, slug, pk)
        mentorships = matching_services.match_run_publish(run=run, user=request.user)
        return Response({"mentorships": [m.pk for m in mentorships]})


class ProposalLock(APIView):
    """A locked pair is kept by the next run; DELETE unlocks it."""

    @extend_schema(
        summary="Lock a proposal",
        request=None,
        responses={200: serializers.ProposalSerializer, 409: REFUSED},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        return self._lock(request, slug, pk, locked=True)

    @extend_schema(
        summary="Unlock a proposal",
        request=None,
        responses={200: serializers.ProposalSerializer, 409: REFUSED},
    )
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        return self._lock(request, slug, pk, locked=False)

    def _lock(self, request: Request, slug: str, pk: int, *, locked: bool) -> Response:
        proposal = get_proposal_for_coordinator(request.user, slug, pk)
        proposal = matching_services.proposal_lock(proposal=proposal, locked=locked)
        questions = matching_selectors.question_texts(proposal.run.cohort.program)
        return Response(
            serializers.ProposalSerializer(proposal, context={"questions": questions}).data
        )


class ProposalReject(APIView):
    @extend_schema(
        summary="Reject a proposal",
        description="The pair is never proposed again in this cohort.",
        request=None,
        responses={204: None, 409: REFUSED},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        proposal = get_proposal_for_coordinator(request.user, slug, pk)
        matching_services.proposal_reject(proposal=proposal, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Jobs -------------------------------------------------------------------------------------


def _job_url(request: Request, job: Job) -> str:
    return request.build_absolute_uri(reverse("api:job_detail", args=[job.pk]))


def _job_response(request: Request, job: Job, **kwargs) -> Response:
    data = serializers.JobSerializer(job, context={"request": request}).data
    return Response(data, status=status.HTTP_202_ACCEPTED, **kwargs)


class JobDetail(generics.RetrieveAPIView):
    """A job you started (site admins: any job): its state, progress and, once it has ended,
    its result or error. Poll it while the state is `queued` or `running`."""

    serializer_class = serializers.JobSerializer
    queryset = Job.objects.none()  # for the schema only: get_object scopes

    def get_object(self) -> Job:
        job = get_job_for_user(self.request.user, self.kwargs["pk"])
        if job.is_active and job_services.jobs_scan(job_ids=[job.pk]):
            # As on the job page: its worker died (or the broker lost it), so it was handed
            # out again or ended.
            job.refresh_from_db()
        return job


class JobCancel(APIView):
    @extend_schema(
        summary="Cancel a job",
        description=(
            "A queued job is cancelled at once; a running one stops at its next step "
            "(`cancel_requested`), and nothing it did is kept. 409 once the job has ended or "
            "is saving its result."
        ),
        request=None,
        responses={202: serializers.JobSerializer, 409: REFUSED},
    )
    def post(self, request: Request, pk: int) -> Response:
        job = get_job_for_user(request.user, pk)
        if not job_services.job_cancel(job=job):
            raise DomainError(_("Too late to cancel: the job has finished or is saving."))
        job.refresh_from_db()
        return _job_response(request, job)


# --- Mentorships: activity only ---------------------------------------------------------------


def _pairs(user):
    return with_activity(mentorships_coordinated_by(user))


class MentorshipList(generics.ListAPIView):
    """The pairs in the programs you coordinate: dates, counts and status, never content."""

    serializer_class = serializers.MentorshipSerializer
    filterset_class = filters.MentorshipFilter

    def get_queryset(self):
        return _pairs(self.request.user).order_by("-created_at", "-pk")


class MentorshipDetail(generics.RetrieveAPIView):
    serializer_class = serializers.MentorshipSerializer

    def get_object(self):
        return get_object_or_404(_pairs(self.request.user), pk=self.kwargs["pk"])


# --- Reports: aggregates only -----------------------------------------------------------------


MONTH = "A whole month, YYYY-MM (within the last six years)."


class ParticipationReport(APIView):
    @extend_schema(
        summary="The participation report",
        description=(
            "The report page's figures: HR viewers see the whole organisation, coordinators "
            "their programs. A figure behind fewer people than the minimum group size shows "
            "the text in `suppressed_as` instead of a number."
        ),
        parameters=[
            OpenApiParameter("program", OpenApiTypes.STR, description="A program's slug."),
            OpenApiParameter("cohort", OpenApiTypes.STR, description="A cohort's slug."),
            OpenApiParameter("department", OpenApiTypes.STR),
            OpenApiParameter("since", OpenApiTypes.STR, description=MONTH),
            OpenApiParameter("until", OpenApiTypes.STR, description=MONTH),
        ],
        responses={200: serializers.ReportSerializer},
    )
    def get(self, request: Request) -> Response:
        programs = report_programs(request.user)
        departments = list(report_departments(ReportFilters(programs=programs)))
        form = ReportFilterForm(
            request.query_params or None, programs=programs, departments=departments
        )
        if form.is_bound and not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        report = cached_participation_report(form.filters(), k=settings.REPORTS_MIN_GROUP_SIZE)
        return Response(report_data(report))


# --- The schema -----------------------------------------------------------------------------


class Schema(SpectacularAPIView):
    """For tools as well as people: a token reads it (DRF views authenticate themselves,
    outside the site's sign-in redirect)."""

    permission_classes = [ApiUser]


# --- The API tokens page ----------------------------------------------------------------------


def _api_user(request: HttpRequest) -> None:
    if not can_use_api(request.user):
        raise PermissionDenied(_("The API is for coordinators, HR viewers and site admins."))


SESSION_KEY = "api_created"  # where a new secret waits for the page that shows it


def tokens(request: HttpRequest) -> HttpResponse:
    """A person's own tokens. A new token's secret is shown on the page after the one that
    created it, and only there: it waits in the session for that one request (so reloading
    neither shows it again nor makes a second token)."""
    _api_user(request)
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = api_token_create(user=request.user, **form.cleaned_data)
        request.session[SESSION_KEY] = {"pk": created.token.pk, "secret": created.secret}
        return redirect("api:tokens")
    new = request.session.pop(SESSION_KEY, None)
    owned = tokens_of(request.user)
    created = None
    if new is not None:
        token = owned.filter(pk=new["pk"]).first()
        created = token and NewToken(token=token, secret=new["secret"])
    response = render(
        request, "api/tokens.html", {"form": form, "created": created, "tokens": owned}
    )
    # The one copy of the secret must not stay in a cache.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _api_user(request)
    token = api_token_revoke(token=get_token_for_owner(request.user, pk))
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")


class Docs(SpectacularSwaggerSplitView):
    """Swagger UI from the installed package (no CDN); its script is a separate request, so
    the page keeps the site's content security policy."""

    permission_classes = [ApiUser]
    template_name = "api/docs.html"
    url_name = "api:schema"
