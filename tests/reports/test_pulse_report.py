"""Pulse ratings in the report, against the hand-computed organisation in conftest.py:

    Eng    E1 5, M1 4, E2 2   three answers, average 3.7, two of three 4 or 5
    Sales  E3 4, E4 3         two answers, average 3.5, one of two
    All    five answers, average 3.6, three of five (60 %)

Comments never reach a report (the sentinel test in test_outputs.py reads every output)."""

from __future__ import annotations

import json

import pytest

from reports.pulse import pulse_ratings
from reports.selectors import ReportFilters


def values(k: int, **filters):
    pulse = pulse_ratings(ReportFilters(**filters), k=k)
    by = {
        dim: {label: pulse.values(stats) for label, stats in groups}
        for dim, groups in pulse.breakdowns.items()
    }
    return pulse.values(pulse.overall), by


def test_pulse_figures_match_the_hand_computation(org):
    overall, by = values(2)
    assert overall == {"pulse_answers": 5, "pulse_average": 3.6, "pulse_useful_share": 60.0}
    assert by["department"] == {
        "Eng": {"pulse_answers": 3, "pulse_average": 3.7, "pulse_useful_share": 66.7},
        "Sales": {"pulse_answers": 2, "pulse_average": 3.5, "pulse_useful_share": 50.0},
    }
    assert by["program"] == {"Ours": overall}
    sales, _ = values(2, department="Sales")
    assert sales["pulse_average"] == 3.5


def test_a_small_department_is_hidden_and_covered(org):
    overall, by = values(3)
    assert overall["pulse_average"] == 3.6
    # Sales has two people behind it; Eng is hidden with it, or 5 - 3 gives Sales back.
    assert by["department"]["Sales"]["pulse_answers"] == "fewer than 3"
    assert by["department"]["Eng"]["pulse_answers"] == "fewer than 3"


@pytest.mark.parametrize("k", [2, 6])
def test_page_and_command_show_the_pulse_without_comments(org, settings, k):
    import io

    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    settings.REPORTS_MIN_GROUP_SIZE = k
    client = Client()
    client.force_login(org["hr"])
    html = client.get(reverse("reports:participation")).content.decode()
    out = io.StringIO()
    call_command("participation_report", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    pulse = data["pulse"]
    # No pair here came from a scored proposal: nothing to claim about the match score.
    assert "Too few pairs to tell." in html
    assert (data["match_quality"]["pairs"], data["match_quality"]["verdict"]) == (0, "too_few")
    if k == 2:
        assert 'id="chart-pulse"' in html and 'id="pulse-by-department"' in html
        assert pulse["by_department"]["Eng"]["pulse_average"] == 3.7
    else:
        assert 'id="pulse-empty"' in html  # every average hidden: a sentence, not a grid
        assert pulse["overall"]["pulse_average"] == "fewer than 6"
