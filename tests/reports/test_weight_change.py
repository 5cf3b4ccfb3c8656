"""A suggested weight change is applied only when a coordinator of the program presses its button
(a POST), and the audit log records it; nothing changes otherwise."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from matching.models import MatchingSettings
from tests.factories import ProgramFactory
from tests.reports.quality_data import save_weights, scored_pairs
from tests.reports.test_match_quality import language_predicts

pytestmark = pytest.mark.django_db

APPLY = {"criterion": "language", "current": "20", "suggested": "30", "query": "program=leaders"}


def language_weight(program) -> float:
    return MatchingSettings.objects.get(program=program).weights["language"]


def settings_changes() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGED))


def test_the_coordinator_applies_the_suggestion_for_the_next_run(client, program, coordinator):
    save_weights(program)
    client.force_login(coordinator)
    response = client.post(reverse("reports:weight_change", args=[program.slug]), APPLY)
    assert response.status_code == 302
    assert response["Location"] == "/reports/?program=leaders#match-quality"
    assert language_weight(program) == 30.0
    # The other weights stay as they were.
    assert MatchingSettings.objects.get(program=program).weights["expertise"] == 40.0
    (event,) = settings_changes()
    assert event.actor == coordinator
    assert event.detail == {"settings": "matching", "fields": ["weight_language"]}


def test_opening_the_address_changes_nothing(client, program, coordinator):
    save_weights(program)
    client.force_login(coordinator)
    response = client.get(reverse("reports:weight_change", args=[program.slug]), APPLY)
    assert response.status_code == 405
    assert language_weight(program) == 20.0
    assert settings_changes() == []


@pytest.mark.parametrize("who", ["other_coordinator", "hr_viewer", "participant"])
def test_nobody_but_the_programs_coordinators_may_apply_it(client, program, make_user, who):
    save_weights(program)
    other = make_user(email=f"{who}@example.org", is_hr_viewer=who == "hr_viewer")
    if who == "other_coordinator":
        ProgramFactory(slug="theirs").coordinators.add(other)
    client.force_login(other)
    response = client.post(reverse("reports:weight_change", args=[program.slug]), APPLY)
    assert response.status_code == 404
    assert language_weight(program) == 20.0
    assert settings_changes() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (APPLY | {"current": "15"}, "The weight changed since the report was drawn"),
        (APPLY | {"suggested": "100"}, "not the change the report suggests"),
        (APPLY | {"criterion": "shoe_size"}, "no such criterion"),
        (APPLY | {"suggested": "lots"}, "could not be read"),
    ],
)
def test_a_stale_or_forged_change_is_refused(client, program, coordinator, data, message):
    save_weights(program)
    client.force_login(coordinator)
    response = client.post(reverse("reports:weight_change", args=[program.slug]), data, follow=True)
    assert message in response.content.decode()
    assert language_weight(program) == 20.0
    assert settings_changes() == []


def test_the_report_offers_the_button_to_the_coordinator_only(
    client, program, coordinator, make_user
):
    save_weights(program)
    scored_pairs(program, language_predicts())
    client.force_login(coordinator)
    page = client.get(reverse("reports:participation")).content.decode()
    assert "Suggested: raise <strong>Shared language</strong> 20 → 30" in page
    assert reverse("reports:weight_change", args=[program.slug]) in page
    client.force_login(make_user(email="hr@example.org", is_hr_viewer=True))
    page = client.get(reverse("reports:participation")).content.decode()
    assert "Suggested: raise <strong>Shared language</strong> 20 → 30" in page
    assert reverse("reports:weight_change", args=[program.slug]) not in page
    assert language_weight(program) == 20.0
