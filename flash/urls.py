from django.urls import path

from flash import participant_views, views

app_name = "flash"

# Coordinator's pages (flash/views.py) first, then each participant's (flash/participant_views.py).
urlpatterns: list = [
    path("cohorts/<slug:slug>/event/", views.event_detail, name="event"),
    path("cohorts/<slug:slug>/event/settings/", views.event_settings, name="event_settings"),
    path("cohorts/<slug:slug>/event/plan/", views.event_plan, name="event_plan"),
    path("cohorts/<slug:slug>/event/publish/", views.event_publish, name="event_publish"),
    path("cohorts/<slug:slug>/event/attendance/", views.event_attendance, name="event_attendance"),
    path("cohorts/<slug:slug>/event/print/", views.event_print, name="event_print"),
    path("cohorts/<slug:slug>/event/rounds.csv", views.event_csv, name="event_csv"),
    path(
        "cohorts/<slug:slug>/event/follow-on/",
        participant_views.follow_on_page,
        name="follow_on",
    ),
    path(
        "cohorts/<slug:slug>/event/follow-on/propose/",
        participant_views.follow_on_propose,
        name="follow_on_propose",
    ),
    path("flash/<slug:slug>/me/", participant_views.my_schedule, name="my_schedule"),
    path(
        "flash/<slug:slug>/me/calendar.ics",
        participant_views.my_schedule_ics,
        name="my_schedule_ics",
    ),
    path("flash/<slug:slug>/me/continue/", participant_views.choose, name="choose"),
    path("flash/<slug:slug>/me/survey/", participant_views.survey, name="survey"),
]
