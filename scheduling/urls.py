from __future__ import annotations

from django.urls import path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("mentorships/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("mentorships/<int:pk>/meetings/book/", views.meeting_book, name="meeting_book"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/repeat/", views.meeting_repeat, name="meeting_repeat"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/invite.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/log/", views.meeting_log, name="meeting_log"),
    path("me/calendar/", views.calendar_settings, name="calendar_settings"),
    path("me/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("me/calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("programs/<slug:slug>/reminders/", views.reminder_settings, name="reminder_settings"),
]
