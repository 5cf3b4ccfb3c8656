from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from conversations import selectors, services
from conversations.access import get_message_for_member, reports_for_coordinator
from conversations.forms import MessageForm, ReportForm
from conversations.thread import thread_context
from core.errors import refusal_shown
from core.roles import roles_for
from relationships.access import get_mentorship_for_member, person_of


@require_GET
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    context = thread_context(request, mentorship)
    if request.htmx and request.GET.get("part") == "messages":
        return render(request, "conversations/includes/thread_messages.html", context)
    return render(request, "conversations/thread.html", context)


@require_POST
def message_send(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for_member(request.user, pk)
    form = MessageForm(request.POST)
    sent = False
    if form.is_valid():
        with refusal_shown(request) as sent:
            services.message_send(
                mentorship=mentorship,
                author=person_of(request.user),
                body=form.cleaned_data["body"],
            )
    if request.htmx:
        context = thread_context(request, mentorship, form=None if sent else form)
        return render(request, "conversations/includes/thread.html", context)
    if sent:
        return redirect("conversations:thread", pk=mentorship.pk)
    return render(
        request, "conversations/thread.html", thread_context(request, mentorship, form=form)
    )


@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    unread = selectors.unread_total(request.user)
    return render(
        request,
        "conversations/includes/unread_badge.html",
        {
            "unread": unread,
            "label": ngettext("unread message", "unread messages", unread),
            "poll_seconds": settings.MESSAGES_POLL_SECONDS,
        },
    )


def message_report(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_message_for_member(request.user, pk)
    me = person_of(request.user)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as done:
            services.message_report(
                message=message, reporter=me, reason=form.cleaned_data["reason"]
            )
        if done:
            messages.success(
                request,
                _(
                    "You shared this one message with the coordinators of %(program)s. "
                    "They cannot read the rest of your messages."
                )
                % {"program": message.mentorship.cohort.program},
            )
        return redirect("conversations:thread", pk=message.mentorship_id)
    return render(
        request,
        "conversations/message_report.html",
        {"message": message, "form": form, "program": message.mentorship.cohort.program},
    )


@require_GET
def reported_messages(request: HttpRequest) -> HttpResponse:
    # Anyone who may run programs opens the page; it lists only their own programs' reports.
    if not roles_for(request).coordinator:
        raise Http404
    reports = reports_for_coordinator(request.user).select_related(
        "message__author__user", "message__mentorship__cohort__program", "reporter__user"
    )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(request, "conversations/reported_messages.html", {"page": page})
