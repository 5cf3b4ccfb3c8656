from __future__ import annotations

import pytest

from core import health


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(health, "broker_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] is False


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: False)
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_broker_check_fails_for_a_broker_that_is_down(settings):
    from mentoring.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        assert health.broker_ok() is False
    finally:
        app.conf.broker_url = original
