from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from profiles.forms import ProfileForm
from profiles.photos import photo_response
from profiles.services import person_for_user, profile_photo_set, profile_update


def profile_edit(request: HttpRequest) -> HttpResponse:
    person = person_for_user(request.user)
    user = person.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": user.timezone,
        "language": user.language,
        "job_title": person.job_title,
        "department": person.department,
        "location": person.location,
        "languages": "; ".join(person.languages),
        "bio": person.bio,
    }
    form = ProfileForm(
        request.POST or None, request.FILES or None, initial=initial, has_photo=bool(person.photo)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo, remove = data.pop("photo", None), data.pop("remove_photo", False)
        profile_update(person=person, **data)
        if photo is not None:
            profile_photo_set(person=person, photo=photo)
        elif remove:
            profile_photo_set(person=person, photo=None)
        messages.success(request, _("Profile saved."))
        return redirect("profiles:profile")
    return render(request, "profiles/profile_form.html", {"form": form, "person": person})


@require_GET
def my_photo(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own photo (for the profile page)."""
    return photo_response(person_for_user(request.user))
