from __future__ import annotations

from django.urls import path

from conversations import views

app_name = "conversations"

urlpatterns = [
    path("mentorships/<int:pk>/messages/", views.thread, name="thread"),
    path("mentorships/<int:pk>/messages/send/", views.message_send, name="message_send"),
    path("messages/unread/", views.unread_badge, name="unread_badge"),
    path("messages/<int:pk>/report/", views.message_report, name="message_report"),
    path("reported-messages/", views.reported_messages, name="reported_messages"),
]
