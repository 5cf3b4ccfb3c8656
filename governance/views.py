from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from governance import privacy
from governance.access import get_person_to_erase
from profiles.services import person_for_user


@require_http_methods(["GET"])
def my_data(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/my_data.html")


@require_POST
def my_data_download(request: HttpRequest) -> HttpResponse:
    person = person_for_user(request.user)
    response = HttpResponse(
        privacy.person_data_export(person=person, request=request),
        content_type="application/zip",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.zip"'
    return response


@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_to_erase(request.user, pk)
    if request.method == "POST":
        privacy.person_erase(person=person, actor=request.user, request=request)
        messages.success(request, _("The person was erased."))
        return redirect("admin:profiles_person_changelist")
    return render(request, "governance/person_erase.html", {"person": person})
