"""Match quality beyond the pulse: the score and each criterion against pulse ratings, closing
ratings and completion, with a weight change suggested only where the data clearly show one."""

from __future__ import annotations

import json
import random

import pytest

from matching.models import Proposal
from reports.exports import report_data, report_table
from reports.quality import CLOSING, COMPLETION, PULSE, SCORE, _pairs, match_quality
from reports.selectors import ReportFilters, participation_report
from reports.validity import NEGATIVE, POSITIVE, RAISE, TOO_FEW
from tests.factories import ProgramFactory
from tests.reports.quality_data import WEIGHTS, Row, save_weights, scored_pairs

OTHERS = [name for name in WEIGHTS if name != "language"]


def clamp(value: float, low: int, high: int) -> int:
    return min(high, max(low, round(value)))


def language_predicts(n: int = 40, seed: int = 5) -> list[Row]:
    """How well the pair shares a language drives every outcome; the other criteria are noise."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        language = (i % 5) / 4
        matches = {"language": language} | {name: rng.random() for name in OTHERS}
        completed = language + rng.gauss(0, 0.25) > 0.5
        rows.append(
            Row(
                matches,
                pulse=clamp(1 + 4 * language + rng.gauss(0, 0.7), 1, 5),
                closing=clamp(10 * language + rng.gauss(0, 1.5), 0, 10),
                status="completed" if completed else "closed",
            )
        )
    return rows


def noise(n: int = 40, seed: int = 8) -> list[Row]:
    rng = random.Random(seed)
    return [
        Row(
            {name: rng.random() for name in WEIGHTS},
            pulse=rng.randint(1, 5),
            closing=rng.randint(0, 10),
            status=rng.choice(["completed", "closed"]),
        )
        for _ in range(n)
    ]


@pytest.mark.django_db
def test_a_criterion_that_truly_predicts_shows_it_and_its_weight_is_suggested_up():
    program = ProgramFactory(name="Leaders", slug="leaders")
    save_weights(program)
    cohort = scored_pairs(program, language_predicts())
    quality = match_quality(ReportFilters(cohort=cohort), k=5)
    (scope,) = quality.programs
    assert quality.pooled is None  # one program: nothing to pool
    assert scope.pairs == 40
    for outcome in (PULSE, CLOSING, COMPLETION):
        finding = scope.findings["language", outcome]
        assert finding.verdict == POSITIVE, outcome
        assert 0 < finding.low < finding.rho < finding.high
        assert finding.n == 40
    for name in OTHERS:
        verdicts = [finding.verdict for finding in scope.findings_of(name)]
        assert POSITIVE not in verdicts and NEGATIVE not in verdicts, name
    (suggestion,) = scope.suggestions
    change = suggestion.change
    assert (change.criterion, change.current, change.suggested, change.direction) == (
        "language",
        20,
        30,
        RAISE,
    )
    assert suggestion.label == "Shared language"
    assert not suggestion.pooled


@pytest.mark.django_db
def test_noise_shows_no_clear_relationship_and_suggests_nothing():
    program = ProgramFactory()
    save_weights(program)
    cohort = scored_pairs(program, noise())
    (scope,) = match_quality(ReportFilters(cohort=cohort), k=5).programs
    for (predictor, outcome), finding in scope.findings.items():
        assert finding.verdict not in (POSITIVE, NEGATIVE), (predictor, outcome)
        assert finding.low < 0 < finding.high
    assert scope.suggestions == []
    readings = {cell["reading"] for _key, _label, cells in scope.rows() for cell in cells}
    assert readings == {"no clear relationship"}


@pytest.mark.django_db
def test_a_handful_of_pairs_is_too_few_to_tell_whatever_they_show():
    program = ProgramFactory()
    save_weights(program)
    cohort = scored_pairs(program, language_predicts(n=6))
    (scope,) = match_quality(ReportFilters(cohort=cohort), k=5).programs
    assert {finding.verdict for finding in scope.findings.values()} == {TOO_FEW}
    assert scope.suggestions == []
    readings = {cell["reading"] for _key, _label, cells in scope.rows() for cell in cells}
    assert readings == {"too few to tell"}
    # Enough pairs, but fewer people behind them than the report's threshold: too few as well.
    cohort = scored_pairs(program, language_predicts(n=12))
    (scope,) = match_quality(ReportFilters(cohort=cohort), k=30).programs
    assert {finding.verdict for finding in scope.findings.values()} == {TOO_FEW}


@pytest.mark.django_db
def test_completion_leaves_running_pairs_out_and_needs_both_endings():
    program = ProgramFactory()
    save_weights(program)
    rows = language_predicts(n=20)
    for row in rows[:12]:
        row.status = "active"
    for row in rows[12:]:
        row.status = "completed"
    cohort = scored_pairs(program, rows)
    (scope,) = match_quality(ReportFilters(cohort=cohort), k=5).programs
    finding = scope.findings[SCORE, COMPLETION]
    # Eight ended pairs, all completed: nothing to compare them with.
    assert (finding.n, finding.verdict) == (8, TOO_FEW)
    assert scope.findings[SCORE, PULSE].n == 20


@pytest.mark.django_db
def test_criterion_points_are_read_as_a_share_of_what_the_run_could_give():
    """Two runs weighting language 20 and 40: the same match gives 10 and 20 points, and both
    read 0.5, so pairs of both runs rank together."""
    program = ProgramFactory()
    save_weights(program)
    first = scored_pairs(program, [Row({"language": 0.5}, pulse=3)])
    second = scored_pairs(program, [Row({"language": 0.5}, pulse=3)])
    run = second.match_runs.get()
    run.settings_snapshot = {"weights": WEIGHTS | {"language": 40.0, "expertise": 20.0}}
    run.save()
    proposal = run.proposals.get()
    proposal.breakdown = {"language": 20.0}
    proposal.save()
    pairs = _pairs(ReportFilters(programs=None, program=program))
    assert sorted(p.criteria["language"] for p in pairs.values()) == [0.5, 0.5]
    assert first.pk != second.pk


@pytest.mark.django_db
def test_a_program_with_too_few_pairs_of_its_own_borrows_every_programs_evidence():
    one, two = ProgramFactory(name="One", slug="one"), ProgramFactory(name="Two", slug="two")
    save_weights(one)
    save_weights(two, WEIGHTS | {"language": 15.0})
    rows = language_predicts(n=48)
    scored_pairs(one, rows[:8])
    scored_pairs(two, rows[8:])
    quality = match_quality(ReportFilters(), k=5)
    assert quality.pooled is not None
    assert quality.pooled.findings["language", PULSE].verdict == POSITIVE
    by_program = {scope.label: scope for scope in quality.programs}
    assert by_program["One"].findings["language", PULSE].verdict == TOO_FEW
    (borrowed,) = by_program["One"].suggestions
    assert (borrowed.change.current, borrowed.change.suggested, borrowed.pooled) == (20, 30, True)
    (own,) = by_program["Two"].suggestions
    assert (own.change.current, own.change.suggested, own.pooled) == (15, 25, False)


@pytest.mark.django_db
def test_no_weight_suggestion_under_a_department_filter():
    program = ProgramFactory()
    save_weights(program)
    scored_pairs(program, language_predicts(), department="Eng")
    quality = match_quality(ReportFilters(program=program, department="Eng"), k=5)
    assert not quality.suggesting
    assert quality.suggestions == []
    assert quality.programs[0].findings["language", PULSE].verdict == POSITIVE


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_pairs(django_assert_max_num_queries):
    program = ProgramFactory()
    save_weights(program)
    scored_pairs(program, language_predicts(n=10, seed=1))
    with django_assert_max_num_queries(9) as small:
        match_quality(ReportFilters(), k=5)
    scored_pairs(ProgramFactory(), language_predicts(n=30, seed=2))
    with django_assert_max_num_queries(len(small.captured_queries)):
        match_quality(ReportFilters(), k=5)


@pytest.mark.django_db
def test_exports_carry_the_findings_and_the_suggestion():
    program = ProgramFactory(name="Leaders", slug="leaders")
    save_weights(program)
    cohort = scored_pairs(program, language_predicts())
    report = participation_report(ReportFilters(cohort=cohort), k=5)
    rows = list(report_table(report, text=True))
    assert ("suggested weight changes", "Leaders", "Shared language", "20 -> 30") in rows
    verdicts = {
        row[3]
        for row in rows
        if row[0] == "match quality by criterion"
        and row[1] == "Leaders: Shared language"
        and row[2].endswith(": reading")
    }
    assert verdicts == {"higher goes with better"}
    data = json.loads(json.dumps(report_data(report), default=str))
    quality = data["match_quality_by_outcome"]
    assert quality["suggested_weight_changes"] == [
        {
            "program": "Leaders",
            "criterion": "language",
            "criterion_label": "Shared language",
            "current": 20,
            "suggested": 30,
            "direction": "raise",
            "evidence": "this program",
        }
    ]
    language = quality["by_program"]["Leaders"]["predictors"]["Shared language"]
    assert language["pulse"]["verdict"] == "positive"
    assert language["pulse"]["n"] == 40
    assert language["pulse"]["ci95_low"] > 0


@pytest.mark.django_db
def test_pairs_without_a_proposal_are_left_out():
    program = ProgramFactory()
    save_weights(program)
    cohort = scored_pairs(program, language_predicts(n=12))
    Proposal.objects.filter(run__cohort=cohort).first().delete()
    (scope,) = match_quality(ReportFilters(cohort=cohort), k=5).programs
    assert scope.pairs == 11
