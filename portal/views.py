from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.fragments import Deferred
from core.roles import roles_for
from portal.dashboard import dashboard_for


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    return redirect("account_login")


def dashboard(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request)
    # Computed only when the page's cached part is missing (core/fragments.py).
    board = Deferred(lambda: {"board": dashboard_for(request.user, roles)})
    return render(request, "portal/dashboard.html", {"user_roles": roles, "dashboard": board})
