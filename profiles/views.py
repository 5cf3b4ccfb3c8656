from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from profiles.forms import ProfileForm
from profiles.services import person_for_user, profile_update


def profile_edit(request: HttpRequest) -> HttpResponse:
    person = person_for_user(request.user)
    user = person.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": user.timezone,
        "job_title": person.job_title,
        "department": person.department,
        "location": person.location,
        "languages": "; ".join(person.languages),
        "bio": person.bio,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        profile_update(person=person, **form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("profiles:profile")
    return render(request, "profiles/profile_form.html", {"form": form, "person": person})
