from __future__ import annotations

from django.urls import path

from relationships import views

app_name = "relationships"

urlpatterns = [
    path("mentorships/", views.mentorship_list, name="mentorship_list"),
    path("mentorships/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path(
        "mentorships/<int:pk>/people/<int:person_pk>/photo/",
        views.member_photo,
        name="member_photo",
    ),
    path("mentorships/<int:pk>/agreement/", views.agreement_edit, name="agreement_edit"),
    path(
        "mentorships/<int:pk>/agreement/confirm/",
        views.agreement_confirm,
        name="agreement_confirm",
    ),
    path("mentorships/<int:pk>/status/", views.mentorship_transition, name="mentorship_transition"),
    path("mentorships/<int:pk>/survey/", views.closing_survey, name="closing_survey"),
    path("mentorships/<int:pk>/manage/", views.mentorship_manage, name="mentorship_manage"),
    path("pulse/<str:token>/<int:rating>/", views.pulse_answer, name="pulse_answer"),
    path("cohorts/<slug:slug>/relationships/", views.cohort_health, name="cohort_health"),
    path("cohorts/<slug:slug>/relationships/new/", views.mentorship_new, name="mentorship_new"),
    path("programs/<slug:slug>/closing-survey/", views.closing_questions, name="closing_questions"),
    path(
        "programs/<slug:slug>/closing-survey/<int:pk>/delete/",
        views.closing_question_delete,
        name="closing_question_delete",
    ),
]
