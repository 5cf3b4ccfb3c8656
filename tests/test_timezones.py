from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone


@login_not_required
def show_now(request):
    return HttpResponse(timezone.get_current_timezone_name())


urlpatterns = [path("tz/", show_now)]


@pytest.mark.urls("tests.test_timezones")
def test_each_person_sees_times_in_their_own_zone(client, make_user):
    user = make_user(email="tokyo@example.org", timezone="Asia/Tokyo")
    client.force_login(user)
    assert client.get("/tz/").content == b"Asia/Tokyo"


@pytest.mark.urls("tests.test_timezones")
def test_anonymous_visitors_see_the_site_time_zone(client, make_user, settings):
    # Not UTC, which is also what a forgotten zone or a hard-coded default would show.
    settings.TIME_ZONE = "America/Sao_Paulo"
    client.force_login(make_user(email="tokyo@example.org", timezone="Asia/Tokyo"))
    assert client.get("/tz/").content == b"Asia/Tokyo"
    client.logout()
    assert client.get("/tz/").content == b"America/Sao_Paulo"


def test_times_are_stored_aware_in_utc(settings):
    assert settings.USE_TZ is True
    assert timezone.now().tzinfo == dt.UTC
