from __future__ import annotations

from django.urls import path

from sessions import views

app_name = "sessions"

urlpatterns = [
    path("mentorships/<int:pk>/sessions/new/", views.session_log, name="session_log"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/confirm/", views.session_confirm, name="session_confirm"),
    path("sessions/<int:pk>/correct/", views.session_correct, name="session_correct"),
    path("sessions/<int:pk>/rate/", views.session_rate, name="session_rate"),
    path("sessions/<int:pk>/private-note/", views.private_note_save, name="private_note_save"),
]
