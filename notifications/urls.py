from __future__ import annotations

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("me/notifications/", views.preferences, name="preferences"),
    path("me/inbox/", views.inbox, name="inbox"),
    path("me/inbox/<int:pk>/", views.inbox_item, name="inbox_item"),
    path("me/inbox/read/", views.inbox_mark_read, name="inbox_mark_read"),
    path("me/inbox/bell/", views.bell, name="bell"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
