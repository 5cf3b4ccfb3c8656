from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from core.roles import roles_for
from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Category
from notifications.tokens import read_unsubscribe_token


def preferences(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    form = PreferencesForm(
        request.POST or None,
        switched_off=services.categories_switched_off(request.user),
        coordinator=roles.coordinator or roles.site_admin,
        quiet=services.quiet_hours_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, enabled=form.switches)
        services.quiet_hours_set(
            user=request.user,
            starts=form.cleaned_data["quiet_starts"],
            ends=form.cleaned_data["quiet_ends"],
        )
        messages.success(request, "Email preferences saved.")
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
