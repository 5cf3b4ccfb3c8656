from __future__ import annotations

from crispy_forms.layout import Hidden
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from audit import services as audit
from core.errors import DomainError, refusal_shown
from jobs.access import jobs_visible_to
from jobs.services import JobBusy
from matching import directory, selectors, services
from matching.access import (
    get_enrolment_for_self_match,
    get_listed_mentor_for_mentee,
    get_proposal_for_coordinator,
    get_request_for_mentee,
    get_request_for_mentor,
    get_run_for_coordinator,
)
from matching.explain import proposal_reasons
from matching.forms import (
    MatchingSettingsForm,
    MentorDirectoryForm,
    MentorRequestForm,
    PairByHandForm,
)
from matching.loading import settings_for
from matching.models import MatchRun
from matching.why_not import why_not_for_run
from profiles.photos import photo_response
from programs.access import (
    get_cohort_for_coordinator,
    get_enrolment_for_participant,
    get_program_for_coordinator,
)

PAGE_SIZE = 50

# --- Coordinators ------------------------------------------------------------------------------


def matching_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = MatchingSettingsForm(
        request.POST or None,
        instance=settings_for(program),
        questions=_choice_question_texts(program),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record_settings_change(
            request=request, obj=program, settings_name="matching", fields=form.changed_data
        )
        messages.success(request, _("Matching settings saved. They apply from the next run."))
        return redirect("matching:settings", slug=program.slug)
    return render(request, "matching/settings.html", {"program": program, "form": form})


def _choice_question_texts(program) -> dict[str, str]:
    return dict(
        program.questions.filter(kind__in=("single", "multiple")).values_list("slug", "text")
    )


def _matching_page(request: HttpRequest, cohort, run: MatchRun | None) -> HttpResponse:
    latest = services.latest_run(cohort)
    editable = run is not None and run.is_draft and latest is not None and latest.pk == run.pk
    page = unmatched = figures = None
    if run is not None:
        questions = selectors.question_texts(cohort.program)
        page = Paginator(selectors.run_proposals(run), PAGE_SIZE).get_page(request.GET.get("page"))
        proposals = list(page)
        reasons = proposal_reasons(run, proposals, questions)
        for proposal in proposals:
            proposal.why = reasons[proposal.pk]
        unmatched = list(selectors.run_unmatched(run)[:PAGE_SIZE])
        if unmatched:
            why_not_for_run(run, unmatched)
        figures = selectors.run_figures(run)
    published = cohort.match_runs.filter(status=MatchRun.Status.PUBLISHED).exists()
    under_way = selectors.matching_job(cohort)
    return render(
        request,
        "matching/cohort_matching.html",
        {
            "cohort": cohort,
            "program": cohort.program,
            "run": run,
            "latest": latest,
            "editable": editable,
            "published": published,
            "page": page,
            "figures": figures,
            "unmatched": unmatched,
            "summary": run.summary(page.paginator.count) if run is not None else "",
            "unmatched_count": run.unmatched.count() if run is not None else 0,
            "overdue": list(selectors.overdue_requests(cohort)[:PAGE_SIZE]),
            "pair_form": PairByHandForm(roles=cohort.program.roles) if editable else None,
            "under_way": under_way,
            "under_way_visible": under_way is not None
            and jobs_visible_to(request.user).filter(pk=under_way.pk).exists(),
        },
    )


def cohort_matching(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    if cohort.program.format == "flash":
        # A flash event rotates partners in rounds: its page is the event's.
        return redirect("flash:event", slug=cohort.slug)
    return _matching_page(request, cohort, services.latest_run(cohort))


def run_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort, run = get_run_for_coordinator(request.user, slug, pk)
    return _matching_page(request, cohort, run)


def run_history(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    return render(
        request,
        "matching/run_history.html",
        {"cohort": cohort, "program": cohort.program, "runs": selectors.runs_for(cohort)},
    )


@require_POST
def run_create(request: HttpRequest, slug: str) -> HttpResponse:
    """A worker matches the cohort; the job page shows how far it got and then the run."""
    cohort = get_cohort_for_coordinator(request.user, slug)
    try:
        job = services.match_run_start(cohort=cohort, run_by=request.user)
    except JobBusy as busy:
        messages.info(request, str(busy))
        if not jobs_visible_to(request.user).filter(pk=busy.job.pk).exists():
            return redirect("matching:cohort", slug=cohort.slug)  # another coordinator's
        job = busy.job
    except DomainError as refusal:
        messages.error(request, str(refusal))
        return redirect("matching:cohort", slug=cohort.slug)
    return redirect("jobs:detail", pk=job.pk)


def _back(proposal) -> HttpResponse:
    return redirect("matching:cohort", slug=proposal.run.cohort.slug)


@require_POST
def proposal_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = get_proposal_for_coordinator(request.user, slug, pk)
    locked = request.POST.get("locked", "1") == "1"
    with refusal_shown(request) as done:
        services.proposal_lock(proposal=proposal, locked=locked)
    if done:
        names = {"mentee": proposal.mentee.person.name, "mentor": proposal.mentor.person.name}
        if locked:
            messages.success(request, _("Locked %(mentee)s with %(mentor)s.") % names)
        else:
            messages.success(request, _("Unlocked %(mentee)s with %(mentor)s.") % names)
    return _back(proposal)


@require_POST
def proposal_reject(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    proposal = get_proposal_for_coordinator(request.user, slug, pk)
    with refusal_shown(request) as done:
        services.proposal_reject(proposal=proposal, user=request.user)
    if done:
        messages.success(
            request,
            _(
                "Rejected %(mentee)s with %(mentor)s; they will not be proposed again. "
                "Run matching again to find a new mentor."
            )
            % {"mentee": proposal.mentee.person.name, "mentor": proposal.mentor.person.name},
        )
    return _back(proposal)


@require_POST
def pair_by_hand(request: HttpRequest, slug: str) -> HttpResponse:
    cohort = get_cohort_for_coordinator(request.user, slug)
    run = services.latest_run(cohort)
    form = PairByHandForm(request.POST, roles=cohort.program.roles)
    if run is None:
        messages.error(request, _("Run matching first."))
    elif not form.is_valid():
        messages.error(request, _("Enter the mentee's and the mentor's email addresses."))
    else:
        with refusal_shown(request) as done:
            proposal = services.pair_by_hand(
                run=run,
                mentee_email=form.cleaned_data["mentee"],
                mentor_email=form.cleaned_data["mentor"],
                user=request.user,
            )
        if done:
            messages.warning(
                request,
                _(
                    "Paired %(mentee)s with %(mentor)s and locked the pair. "
                    "Their score is %(score)s of 100."
                )
                % {
                    "mentee": proposal.mentee.person.name,
                    "mentor": proposal.mentor.person.name,
                    "score": f"{proposal.score:.2f}",
                },
            )
    return redirect("matching:cohort", slug=cohort.slug)


@require_POST
def run_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    cohort, run = get_run_for_coordinator(request.user, slug, pk)
    with refusal_shown(request) as done:
        mentorships = services.match_run_publish(run=run, user=request.user)
    if done:
        messages.success(
            request,
            ngettext(
                "Published %(count)d mentorship. Everyone matched hears by email.",
                "Published %(count)d mentorships. Everyone matched hears by email.",
                len(mentorships),
            )
            % {"count": len(mentorships)},
        )
    return redirect("matching:cohort", slug=cohort.slug)


# --- Participants ------------------------------------------------------------------------------


def my_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matching/requests.html",
        {
            "received": selectors.requests_received(request.user),
            "made": selectors.requests_made(request.user),
            "enrolments": selectors.request_enrolments(request.user),
        },
    )


def _add_request_forms(
    cards: list[directory.MentorCard], enrolment, back_to_directory: str | None = None
) -> None:
    """A "Request <mentor>" form on each card; `back_to_directory` is the directory's query
    string to return to afterwards (None: back to the suggestions)."""
    action = reverse("matching:request_create", args=[enrolment.pk])
    for card in cards:
        form = MentorRequestForm(
            initial={"mentor": card.mentor.enrolment},
            auto_id=f"id_%s_{card.mentor.enrolment}",
            submit_label=_("Request %(name)s") % {"name": card.mentor.name},
        )
        form.helper.form_action = action
        if back_to_directory is not None:
            form.helper.add_input(Hidden("back", "directory"))
            form.helper.add_input(Hidden("query", back_to_directory))
        object.__setattr__(card, "form", form)


def find_mentor(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_participant(request.user, pk)
    if not enrolment.is_mentee:
        raise Http404
    allowed = services.requests_open_to(enrolment)
    suggestions = selectors.suggested_mentors(enrolment) if allowed else []
    _add_request_forms(suggestions, enrolment)
    return render(
        request,
        "matching/find_mentor.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "allowed": allowed,
            "settings": settings_for(enrolment.cohort.program),
            "suggestions": suggestions,
            "made": selectors.requests_made(request.user).filter(mentee=enrolment),
        },
    )


DIRECTORY_PAGE_SIZE = 10


def mentor_directory(request: HttpRequest, pk: int) -> HttpResponse:
    """Every mentor this mentee may ask, searchable and filtered, each with why in words."""
    enrolment = get_enrolment_for_self_match(request.user, pk)
    mentors = directory.mentor_directory(enrolment)
    form = MentorDirectoryForm(request.GET or None, facets=mentors.facets)
    entries = mentors.filtered(form.filters()) if form.is_bound else mentors.entries
    page = Paginator(entries, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = mentors.cards(list(page))
    query = request.GET.copy()
    query.pop("page", None)
    # Back to this page of the directory, filters kept, after the request.
    _add_request_forms(cards, enrolment, back_to_directory=request.GET.urlencode())
    program = enrolment.cohort.program
    return render(
        request,
        "matching/mentor_directory.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "program": program,
            "settings": settings_for(program),
            "form": form,
            "page": page,
            "cards": cards,
            "query": query.urlencode(),
            "listed_count": len(mentors.entries),
            "made": selectors.requests_made(request.user).filter(mentee=enrolment),
        },
    )


def mentor_photo(request: HttpRequest, pk: int, mentor_pk: int) -> HttpResponse:
    """A listed mentor's photo, for the mentee whose directory lists them."""
    mentor = get_listed_mentor_for_mentee(request.user, pk, mentor_pk)
    return photo_response(mentor.person)


@require_POST
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment_for_participant(request.user, pk)
    if not enrolment.is_mentee:
        raise Http404
    form = MentorRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a mentor from the list."))
    else:
        with refusal_shown(request) as done:
            mentor_request = services.mentor_request_create(
                mentee=enrolment,
                mentor_enrolment_id=form.cleaned_data["mentor"],
                message=form.cleaned_data["message"],
            )
        if done:
            messages.success(
                request,
                _("Request sent to %(mentor)s. You will hear by email.")
                % {"mentor": mentor_request.mentor.person.name},
            )
    if request.POST.get("back") == "directory":
        # Only the query string travels: the way back is always this mentee's directory.
        query = QueryDict(request.POST.get("query", "")).urlencode()
        url = reverse("matching:directory", args=[enrolment.pk])
        return redirect(f"{url}?{query}" if query else url)
    return redirect("matching:find_mentor", pk=enrolment.pk)


@require_POST
def request_respond(request: HttpRequest, pk: int) -> HttpResponse:
    mentor_request = get_request_for_mentor(request.user, pk)
    accept = request.POST.get("answer") == "accept"
    with refusal_shown(request) as done:
        mentor_request = services.mentor_request_respond(
            request=mentor_request, accept=accept, user=request.user
        )
    if done:
        name = mentor_request.mentee.person.name
        if accept:
            messages.success(
                request, _("You are now %(name)s's mentor. They hear by email.") % {"name": name}
            )
        else:
            messages.info(request, _("Declined %(name)s's request.") % {"name": name})
    return redirect("matching:requests")


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    mentor_request = get_request_for_mentee(request.user, pk)
    with refusal_shown(request) as done:
        services.mentor_request_withdraw(request=mentor_request)
    if done:
        messages.info(request, _("Request withdrawn."))
    return redirect("matching:requests")
