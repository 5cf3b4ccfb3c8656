from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import services as audit
from core.errors import refusal_shown
from core.fragments import Deferred
from jobs.access import jobs_visible_to
from jobs.services import JobBusy
from profiles.services import person_for_user
from programs import selectors, services
from programs.access import (
    can_create_programs,
    enrolments_of,
    get_cohort_for_coordinator,
    get_enrolment_for_participant,
    get_program_for_coordinator,
    programs_coordinated_by,
)
from programs.forms import (
    ApplyForm,
    BulkActionForm,
    CohortFilterForm,
    CohortForm,
    EnrolmentDetailsForm,
    ImportUploadForm,
    ProgramForm,
    QuestionForm,
    details_initial,
)
from programs.importing import cohort_import_participants, participant_import_start
from programs.invitations import enrolment_for_token, link_signs_in
from programs.models import Cohort, Enrolment, ParticipantImport

# --- Coordinators: programs -------------------------------------------------------------------


def program_list(request: HttpRequest) -> HttpResponse:
    programs = selectors.programs_with_counts(programs_coordinated_by(request.user))
    if not programs and not can_create_programs(request.user):
        raise Http404
    return render(
        request,
        "programs/program_list.html",
        {"programs": programs, "can_create": can_create_programs(request.user)},
    )


def program_create(request: HttpRequest) -> HttpResponse:
    if not can_create_programs(request.user):
        raise PermissionDenied
    form = ProgramForm(request.POST or None, can_assign_coordinators=request.user.is_staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        coordinators = list(data.pop("coordinators", [])) or [request.user]
        program = services.program_create(coordinators=coordinators, **data)
        messages.success(
            request,
            _("Program “%(name)s” created. Add its first cohort.") % {"name": program.name},
        )
        return redirect(program)
    return render(request, "programs/program_form.html", {"form": form})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "cohorts": selectors.cohorts_with_counts(program.cohorts.all()),
            "questions": program.questions.all(),
        },
    )


def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = ProgramForm(
        request.POST or None, instance=program, can_assign_coordinators=request.user.is_staff
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record_settings_change(
            request=request, obj=program, settings_name="program", fields=form.changed_data
        )
        messages.success(request, _("Program settings saved."))
        return redirect(program)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


def question_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    question = get_object_or_404(program.questions, pk=pk) if pk else None
    form = QuestionForm(request.POST or None, instance=question, program=program)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Question saved."))
        return redirect(program)
    return render(
        request,
        "programs/question_form.html",
        {"form": form, "program": program, "question": question},
    )


@require_POST
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    get_object_or_404(program.questions, pk=pk).delete()
    messages.success(request, _("Question deleted. Answers already given stay on record."))
    return redirect(program)


# --- Coordinators: cohorts ----------------------------------------------------------------------


def cohort_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = CohortForm(request.POST or None, instance=Cohort(program=program))
    if request.method == "POST" and form.is_valid():
        cohort = services.cohort_create(program=program, **form.cleaned_data)
        messages.success(request, _("Cohort “%(name)s” created.") % {"name": cohort.name})
        return redirect(cohort)
    return render(request, "programs/cohort_form.html", {"form": form, "program": program})


def cohort_edit(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record_settings_change(
            request=request, obj=cohort, settings_name="cohort", fields=form.changed_data
        )
        messages.success(request, _("Cohort saved."))
        return redirect(cohort)
    return render(
        request,
        "programs/cohort_form.html",
        {"form": form, "program": cohort.program, "cohort": cohort},
    )


PAGE_SIZE = 50


def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            # Mail deliveries are not under the data version: shown afresh on every request.
            "undelivered": selectors.undelivered_invitations(cohort),
            # Computed only when the page's cached parts are missing (core/fragments.py).
            "participants": Deferred(lambda: _cohort_participants(request, cohort)),
        },
    )


def _cohort_participants(request: HttpRequest, cohort) -> dict:
    filters = CohortFilterForm(
        request.GET or None, departments=selectors.departments(cohort), roles=cohort.program.roles
    )
    enrolments = selectors.cohort_participants(
        cohort, filters.cleaned_data if filters.is_valid() else {}
    )
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "supply": selectors.supply_and_demand(cohort),
        "pending": selectors.pending_applications(cohort),
        "actions": services.BULK_ACTIONS,
    }


@require_POST
def cohort_status(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    with refusal_shown(request) as done:
        cohort = services.cohort_transition(cohort=cohort, status=request.POST.get("status", ""))
    if done:
        messages.success(
            request,
            _("The cohort is now %(status)s.") % {"status": cohort.get_status_display().lower()},
        )
    return redirect(cohort)


@require_POST
def enrolment_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    form = BulkActionForm(request.POST, cohort=cohort)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(cohort)
    data = form.cleaned_data
    ids = None if data["scope"] == "all" else data["enrolments"]
    result = services.enrolments_bulk_action(
        cohort=cohort, action=data["action"], enrolment_ids=ids
    )
    for warning, message in result.messages():
        messages.add_message(request, messages.WARNING if warning else messages.SUCCESS, message)
    return redirect(cohort)


# --- Coordinators: import -----------------------------------------------------------------------


def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        report = cohort_import_participants(cohort=cohort, data=data, by=request.user, dry_run=True)
        if report.file_errors:
            for error in report.file_errors:
                form.add_error("file", error)
        else:
            pending = ParticipantImport.objects.create(
                cohort=cohort,
                uploaded_by=request.user,
                filename=upload.name[:255],
                content=data.decode("utf-8-sig"),
            )
            return redirect("programs:import_preview", slug=cohort.slug, pk=pending.pk)
    return render(
        request,
        "programs/import_upload.html",
        {"form": form, "cohort": cohort, "questions": cohort.program.questions.all()},
    )


def import_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The preview; confirming it hands the import to a worker and shows the job's page."""
    cohort = get_cohort_for_coordinator(request.user, slug)
    pending = get_object_or_404(cohort.imports, pk=pk, applied_at=None)
    if request.method == "POST":
        try:
            job = participant_import_start(pending=pending, by=request.user)
        except JobBusy as busy:
            messages.info(request, str(busy))
            if not jobs_visible_to(request.user).filter(pk=busy.job.pk).exists():
                return redirect("programs:import_preview", slug=cohort.slug, pk=pending.pk)
            job = busy.job
        return redirect("jobs:detail", pk=job.pk)
    data = pending.content.encode("utf-8")
    report = cohort_import_participants(cohort=cohort, data=data, by=request.user, dry_run=True)
    return render(
        request,
        "programs/import_preview.html",
        {"cohort": cohort, "pending": pending, "report": report},
    )


# --- Participants -------------------------------------------------------------------------------


def my_enrolments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/my_enrolments.html",
        {
            "enrolments": enrolments_of(request.user)
            .prefetch_related("cohort__program__questions")
            .order_by("-cohort__start_date"),
            "open_cohorts": selectors.open_cohorts_for(request.user)[:5],
        },
    )


def enrolment_respond(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_participant(request.user, pk)
    program = enrolment.cohort.program
    editable = enrolment.status in (Enrolment.Status.INVITED, Enrolment.Status.APPROVED)
    form = EnrolmentDetailsForm(
        request.POST or None,
        program=program,
        role=enrolment.role,
        initial=details_initial(enrolment),
    )
    if request.method == "POST" and editable:
        accept = "decline" not in request.POST
        if not accept or form.is_valid():
            answers = form.answers() if accept else enrolment.answers
            details = form.details() if accept else {}
            services.enrolment_respond(
                enrolment=enrolment, accept=accept, answers=answers, **details
            )
            messages.success(
                request,
                _("Thank you, you are in.")
                if accept
                else _("You declined; the coordinator is told."),
            )
            return redirect("programs:my_enrolments")
    return render(
        request,
        "programs/enrolment_respond.html",
        {"enrolment": enrolment, "program": program, "form": form, "editable": editable},
    )


def open_cohorts(request: HttpRequest) -> HttpResponse:
    return render(
        request, "programs/open_cohorts.html", {"cohorts": selectors.open_cohorts_for(request.user)}
    )


def apply(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_object_or_404(selectors.open_cohorts_for(request.user), slug=slug)
    form = ApplyForm(request.POST or None, program=cohort.program)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as done:
            services.enrolment_apply(
                cohort=cohort,
                person=person_for_user(request.user),
                role=form.cleaned_data["role"],
                answers=form.answers(),
                **form.details(),
            )
        if done:
            messages.success(request, _("Application sent. The coordinator will get back to you."))
            return redirect("programs:my_enrolments")
    return render(request, "programs/apply.html", {"cohort": cohort, "form": form})


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link shows what it is for; only the button signs in. Mail scanners open
    links by themselves, and must not use up a one-time link on the person's behalf."""
    enrolment = enrolment_for_token(token)
    if enrolment is None:
        messages.error(
            request,
            _(
                "This invitation link has expired or was already used. Sign in, or ask for a "
                "code by email."
            ),
        )
        return redirect("account_login")
    user = enrolment.person.user
    respond = reverse("programs:enrolment_respond", args=[enrolment.pk])
    if not link_signs_in(user):
        if request.user == user:
            return redirect(respond)
        if settings.SSO_ONLY:
            why = _(
                "Sign in through your organisation's single sign-on: the invitation opens next."
            )
        else:
            why = _(
                "Your account has rights beyond a participant's, so this link does not sign you "
                "in: sign in as usual, and the invitation opens next."
            )
        messages.info(request, why)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': respond})}")
    if request.method != "POST":
        return render(request, "programs/invitation_accept.html", {"enrolment": enrolment})
    # Following the link proves the address is theirs.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.info(request, _("Welcome! Check your profile, then answer the program's questions."))
    return redirect(respond)
