from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.roles import roles_for
from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Category, InboxItem
from notifications.tokens import read_unsubscribe_token


def preferences(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    form = PreferencesForm(
        request.POST or None,
        switched_off=services.categories_switched_off(request.user),
        coordinator=roles.coordinator or roles.site_admin,
        hr_viewer=roles.hr_viewer,
        out_of_app=frozenset(services.categories_out_of_app(request.user)),
        quiet=services.quiet_hours_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, enabled=form.switches, in_app=form.in_app)
        services.quiet_hours_set(
            user=request.user,
            starts=form.cleaned_data["quiet_starts"],
            ends=form.cleaned_data["quiet_ends"],
        )
        messages.success(request, _("Notification preferences saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# Mail clients POST here on the reader's behalf (RFC 8058 one-click), with no session and no
# CSRF token: the signed token is the whole authority, and all it can do is switch off one
# category for one person.
@csrf_exempt
@login_not_required
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    user = None
    if found is not None:
        user = get_user_model().objects.filter(pk=found[0]).first()
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    category = Category(found[1])
    # A GET only asks: link checkers in mail systems open links, and must not unsubscribe.
    done = request.method == "POST"
    if done:
        services.preferences_set(user=user, enabled={category.value: False})
    return render(
        request,
        "notifications/unsubscribe.html",
        {"category": category, "done": done, "email": user.email},
    )


# --- The inbox in the app ------------------------------------------------------------------


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    items = InboxItem.objects.filter(user=request.user).only(
        "pk", "subject", "url", "created_at", "read_at"
    )
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_GET
def inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(InboxItem, pk=pk, user=request.user)
    services.inbox_mark_read(user=request.user, item_ids=[item.pk])
    return render(request, "notifications/inbox_item.html", {"item": item})


@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    """One item (`item` in the form) or, without it, all of them."""
    item = request.POST.get("item", "")
    ids = [int(item)] if item.isdigit() and len(item) < 19 else None
    services.inbox_mark_read(user=request.user, item_ids=ids)
    return redirect("notifications:inbox")


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    unread = InboxItem.objects.filter(user=request.user, read_at=None).count()
    return render(
        request,
        "notifications/includes/bell.html",
        {
            "unread": unread,
            "label": ngettext("unread notification", "unread notifications", unread),
            "poll_seconds": settings.MESSAGES_POLL_SECONDS,
        },
    )
