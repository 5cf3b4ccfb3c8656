from __future__ import annotations

from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<slug:slug>/", views.program_detail, name="program_detail"),
    path("programs/<slug:slug>/edit/", views.program_edit, name="program_edit"),
    path("programs/<slug:slug>/questions/new/", views.question_edit, name="question_create"),
    path("programs/<slug:slug>/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path(
        "programs/<slug:slug>/questions/<int:pk>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("programs/<slug:slug>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<slug:slug>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<slug:slug>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<slug:slug>/status/", views.cohort_status, name="cohort_status"),
    path("cohorts/<slug:slug>/participants/", views.enrolment_bulk, name="enrolment_bulk"),
    path("cohorts/<slug:slug>/import/", views.import_upload, name="import_upload"),
    path("cohorts/<slug:slug>/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("me/enrolments/", views.my_enrolments, name="my_enrolments"),
    path("me/enrolments/<int:pk>/", views.enrolment_respond, name="enrolment_respond"),
    path("join/", views.open_cohorts, name="open_cohorts"),
    path("join/<slug:slug>/", views.apply, name="apply"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
