from __future__ import annotations

from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("mentorships/<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("mentorships/<int:pk>/check-ins/new/", views.checkin_create, name="checkin_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("milestones/<int:pk>/toggle/", views.milestone_toggle, name="milestone_toggle"),
]
