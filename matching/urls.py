from __future__ import annotations

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("programs/<slug:slug>/matching/", views.matching_settings, name="settings"),
    path("cohorts/<slug:slug>/matching/", views.cohort_matching, name="cohort"),
    path("cohorts/<slug:slug>/matching/run/", views.run_create, name="run"),
    path("cohorts/<slug:slug>/matching/runs/", views.run_history, name="runs"),
    path("cohorts/<slug:slug>/matching/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path(
        "cohorts/<slug:slug>/matching/runs/<int:pk>/publish/",
        views.run_publish,
        name="publish",
    ),
    path(
        "cohorts/<slug:slug>/matching/proposals/<int:pk>/lock/",
        views.proposal_lock,
        name="proposal_lock",
    ),
    path(
        "cohorts/<slug:slug>/matching/proposals/<int:pk>/reject/",
        views.proposal_reject,
        name="proposal_reject",
    ),
    path("cohorts/<slug:slug>/matching/pair/", views.pair_by_hand, name="pair_by_hand"),
    path("me/requests/", views.my_requests, name="requests"),
    path("me/enrolments/<int:pk>/mentors/", views.find_mentor, name="find_mentor"),
    path("me/enrolments/<int:pk>/mentors/request/", views.request_create, name="request_create"),
    path("me/enrolments/<int:pk>/directory/", views.mentor_directory, name="directory"),
    path(
        "me/enrolments/<int:pk>/directory/<int:mentor_pk>/photo/",
        views.mentor_photo,
        name="mentor_photo",
    ),
    path("me/requests/<int:pk>/answer/", views.request_respond, name="request_respond"),
    path("me/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
]
