from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("me/api-tokens/", views.tokens, name="tokens"),
    path("me/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("api/v1/schema/", views.Schema.as_view(), name="schema"),
    # A page for people: signing in first, as everywhere on the site.
    path("api/v1/docs/", login_required(views.Docs.as_view()), name="docs"),
    path("api/v1/programs/", views.ProgramList.as_view(), name="program_list"),
    path("api/v1/programs/<slug:slug>/", views.ProgramDetail.as_view(), name="program_detail"),
    path("api/v1/cohorts/", views.CohortList.as_view(), name="cohort_list"),
    path("api/v1/cohorts/<slug:slug>/", views.CohortDetail.as_view(), name="cohort_detail"),
    path(
        "api/v1/cohorts/<slug:slug>/enrolments/",
        views.EnrolmentList.as_view(),
        name="enrolment_list",
    ),
    path("api/v1/cohorts/<slug:slug>/runs/", views.RunList.as_view(), name="run_list"),
    path("api/v1/cohorts/<slug:slug>/runs/<int:pk>/", views.RunDetail.as_view(), name="run_detail"),
    path(
        "api/v1/cohorts/<slug:slug>/runs/<int:pk>/proposals/",
        views.ProposalList.as_view(),
        name="proposal_list",
    ),
    path(
        "api/v1/cohorts/<slug:slug>/runs/<int:pk>/publish/",
        views.RunPublish.as_view(),
        name="run_publish",
    ),
    path(
        "api/v1/cohorts/<slug:slug>/proposals/<int:pk>/lock/",
        views.ProposalLock.as_view(),
        name="proposal_lock",
    ),
    path(
        "api/v1/cohorts/<slug:slug>/proposals/<int:pk>/reject/",
        views.ProposalReject.as_view(),
        name="proposal_reject",
    ),
    path("api/v1/jobs/<int:pk>/", views.JobDetail.as_view(), name="job_detail"),
    path("api/v1/jobs/<int:pk>/cancel/", views.JobCancel.as_view(), name="job_cancel"),
    path("api/v1/mentorships/", views.MentorshipList.as_view(), name="mentorship_list"),
    path(
        "api/v1/mentorships/<int:pk>/", views.MentorshipDetail.as_view(), name="mentorship_detail"
    ),
    path(
        "api/v1/reports/participation/",
        views.ParticipationReport.as_view(),
        name="participation_report",
    ),
]
