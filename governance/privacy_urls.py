from __future__ import annotations

from django.urls import path

from governance import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("people/<int:pk>/erase/", views.person_erase, name="person_erase"),
]
