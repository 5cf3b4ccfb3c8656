"""Personal API tokens: shown once, hashed at rest, expiring, revocable, scoped."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from jobs.models import Job
from tests.factories import CohortFactory, ProgramFactory

PROGRAMS = reverse("api:program_list")


@pytest.fixture
def ours_coordinator(make_user):
    user = make_user(email="coordinator@example.org")
    ProgramFactory(slug="ours").coordinators.add(user)
    return user


def create_on_page(client, **fields) -> str:
    data = {"name": "HR sync", "scope": "read", "expires_in_days": "30"} | fields
    response = client.post(reverse("api:tokens"), data, follow=True)
    assert response.redirect_chain == [(reverse("api:tokens"), 302)]
    assert response["Cache-Control"] == "no-store"
    return re.search(r'value="(mtk_[^"]+)"', response.content.decode()).group(1)


def test_a_token_is_shown_once_and_stored_only_as_prefix_and_hash(client, ours_coordinator):
    client.force_login(ours_coordinator)
    secret = create_on_page(client)
    token = ApiToken.objects.get(user=ours_coordinator)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert secret not in stored
    # Nor does it wait in the session once shown.
    assert secret not in str(dict(client.session))
    page = client.get(reverse("api:tokens")).content.decode()
    assert secret not in page
    assert token.prefix in page and "HR sync" in page and "Never" in page


def test_a_token_signs_requests_and_records_its_last_use(client, ours_coordinator):
    client.force_login(ours_coordinator)
    secret = create_on_page(client)
    api = APIClient()
    for keyword in ("Bearer", "Token"):
        api.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
        response = api.get(PROGRAMS)
        assert response.status_code == 200, keyword
        assert [p["slug"] for p in response.json()["results"]] == ["ours"]
    assert ApiToken.objects.get().last_used_at is not None
    assert "Never" not in client.get(reverse("api:tokens")).content.decode()


def test_without_a_token_the_api_answers_401_with_a_challenge():
    response = APIClient().get(PROGRAMS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer mtk_wrong", "Bearer two parts", "Token not-ours", "Bearer m\u00e9"],
)
def test_a_wrong_or_malformed_token_is_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(PROGRAMS).status_code == 401


def test_an_expired_token_is_refused(ours_coordinator, client_with, token_for):
    secret = token_for(ours_coordinator, days=7)
    assert client_with(secret=secret).get(PROGRAMS).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, seconds=1)):
        assert client_with(secret=secret).get(PROGRAMS).status_code == 401


def test_a_revoked_token_is_refused_at_once(client, ours_coordinator):
    client.force_login(ours_coordinator)
    secret = create_on_page(client)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(PROGRAMS).status_code == 200
    token = ApiToken.objects.get()
    response = client.post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api.get(PROGRAMS).status_code == 401
    assert "Revoked" in client.get(reverse("api:tokens")).content.decode()


def test_nobody_revokes_another_persons_token(client, ours_coordinator, make_user, token_for):
    token_for(ours_coordinator)
    other = make_user(email="other@example.org", is_hr_viewer=True)
    client.force_login(other)
    token = ApiToken.objects.get(user=ours_coordinator)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_read_only_token_reads_but_never_writes(ours_coordinator, client_with):
    cohort = CohortFactory(program=ours_coordinator.coordinated_programs.get(), slug="ours-2027")
    url = reverse("api:run_list", args=[cohort.slug])
    read = client_with(ours_coordinator, scope="read")
    assert read.get(url).status_code == 200
    response = read.post(url)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not cohort.match_runs.exists() and not Job.objects.exists()
    # The same request with a read-write token reaches the service: a job starts (its worker
    # will refuse the empty cohort with a reason).
    assert client_with(ours_coordinator, scope="write").post(url).status_code == 202
    assert Job.objects.get().created_by == ours_coordinator


def test_participants_get_no_tokens_page_and_their_tokens_open_nothing(
    client, make_user, client_with
):
    participant = make_user(email="mentee@example.org")
    client.force_login(participant)
    assert client.get(reverse("api:tokens")).status_code == 403
    assert client.post(reverse("api:tokens"), {"name": "x", "scope": "write"}).status_code == 403
    assert not ApiToken.objects.exists()
    # A token left over from when they had rights opens nothing now.
    assert client_with(participant).get(PROGRAMS).status_code == 403


def test_the_form_refuses_an_expiry_it_does_not_offer(client, ours_coordinator):
    client.force_login(ours_coordinator)
    response = client.post(
        reverse("api:tokens"), {"name": "x", "scope": "write", "expires_in_days": "3650"}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert "is not one of the available choices" in response.content.decode()


def test_a_site_admin_revokes_any_token_in_the_admin_and_never_sees_its_hash(
    client, ours_coordinator, make_user, token_for
):
    secret = token_for(ours_coordinator)
    token = ApiToken.objects.get()
    client.force_login(make_user(email="admin@example.org", is_staff=True, is_superuser=True))
    change = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert token.prefix in change and token.digest not in change
    response = client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(PROGRAMS).status_code == 401
