from __future__ import annotations

import csv
import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from matching.engine import feasibility_mask
from matching.loading import load_cohort
from matching.models import MatchRun
from relationships.models import Mentorship
from tests.factories import enrol_person, person_from_email

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("run_matching", *args, stdout=out)
    return out.getvalue()


def test_json_prints_exactly_one_object_of_the_documented_shape(small_cohort):
    payload = json.loads(run("leaders-2027", "--json"))
    assert set(payload) == {"cohort", "proposals", "unmatched", "objective", "seconds"}
    assert payload["cohort"] == "leaders-2027"
    assert len(payload["proposals"]) == 3 and payload["unmatched"] == []
    for proposal in payload["proposals"]:
        assert set(proposal) == {"mentee", "mentor", "score", "breakdown"}
        assert sum(proposal["breakdown"].values()) == pytest.approx(proposal["score"])
    pairs = {(p["mentee"], p["mentor"]) for p in payload["proposals"]}
    assert len(pairs) == 3
    assert ("ann@example.org", "max@example.org") not in pairs  # Max is Ann's manager
    assert payload["objective"] == pytest.approx(sum(p["score"] for p in payload["proposals"]))


def test_scores_out_lists_every_feasible_pair_and_only_those(small_cohort, tmp_path):
    path = tmp_path / "scores.csv"
    run("leaders-2027", "--scores-out", str(path))
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    got = {(r["mentee_email"], r["mentor_email"]) for r in rows}
    # 3 mentees x 2 mentors, minus Ann with her manager Max.
    assert len(got) == len(rows) == 5
    assert ("ann@example.org", "max@example.org") not in got
    block = load_cohort(small_cohort["cohort"])
    mask = feasibility_mask(block.mentee_side, block.mentor_side, block.directory)
    i, j = np.nonzero(mask)
    expected = {(block.mentees[a].email, block.mentors[b].email) for a, b in zip(i, j, strict=True)}
    assert got == expected
    assert all(0 <= float(r["score"]) <= 100 for r in rows)


def test_publish_creates_mentorships_and_a_later_publish_pairs_only_newcomers(small_cohort):
    cohort = small_cohort["cohort"]
    assert "Published" in run("leaders-2027", "--publish")
    assert Mentorship.objects.filter(cohort=cohort).count() == 3
    with pytest.raises(CommandError, match="no approved mentees waiting"):
        run("leaders-2027", "--publish")
    enrol_person(cohort, person_from_email("late@example.org"), "mentee", interests=["python"])
    enrol_person(
        cohort, person_from_email("new-mentor@example.org", seniority=8), "mentor", capacity=1
    )
    assert "matched 1 of 1 mentees" in run("leaders-2027", "--publish")
    assert Mentorship.objects.filter(cohort=cohort).count() == 4
    assert MatchRun.objects.filter(cohort=cohort, status="published").count() == 2


def test_unknown_cohort_exits_1():
    with pytest.raises(CommandError, match="No cohort"):
        run("nope")


def test_no_mentors_and_no_mentees_exit_1(matching_cohort):
    with pytest.raises(CommandError, match="no approved mentors"):
        run(matching_cohort.slug)
    enrol_person(matching_cohort, person_from_email("only-mentor@example.org"), "mentor")
    with pytest.raises(CommandError, match="no approved mentees"):
        run(matching_cohort.slug)


def test_exit_code_is_1_from_the_shell(small_cohort, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "run_matching", "nope"]).execute()
    assert exit_info.value.code == 1
    assert "No cohort" in capsys.readouterr().err


def test_reporting_chain_is_never_proposed_at_any_depth(matching_cohort):
    """End to end: a chain of five; every mentor sits above or below some mentee."""
    chain = [person_from_email("top@example.org", seniority=9)]
    for level in range(1, 5):
        chain.append(
            person_from_email(f"l{level}@example.org", manager=chain[-1], seniority=9 - level)
        )
    outsider = person_from_email("outsider@example.org", seniority=2)
    for person in (chain[0], chain[2]):
        enrol_person(matching_cohort, person, "mentor", capacity=3, expertise=["x"])
    for person in (chain[1], chain[3], chain[4], outsider):
        enrol_person(matching_cohort, person, "mentee", interests=["x"])
    payload = json.loads(run(matching_cohort.slug, "--json"))
    for proposal in payload["proposals"]:
        assert proposal["mentee"] == "outsider@example.org"
    assert set(payload["unmatched"]) == {"l1@example.org", "l3@example.org", "l4@example.org"}
