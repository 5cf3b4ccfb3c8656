from __future__ import annotations

from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("profile/photo/", views.my_photo, name="my_photo"),
    path("profile/availability/", views.availability_edit, name="availability"),
]
