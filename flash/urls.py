from django.urls import path  # noqa: F401

app_name = "flash"

# Coordinator's pages (flash/views.py) first, then each participant's (flash/participant_views.py).
urlpatterns: list = []
