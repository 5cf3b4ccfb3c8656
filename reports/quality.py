"""Match quality beyond the pulse: does the match score, and each criterion in it, go with the
outcomes of the pairs it formed? And, where a criterion clearly does (or clearly does not), the
weight change a coordinator may apply to the program's next run (reports.services), never
automatically.

Over the pairs formed from a scored proposal (the latest, if re-published), per program and, when
the report covers several, across programs:
- outcomes: the pair's mean pulse rating (1 to 5), its mean closing rating (the closing survey's
  0 to 10 "how likely are you to recommend this program"), and completion (an ended pair that
  completed is 1, one closed early 0; pairs still running are left out);
- predictors: the proposal's score, and each criterion's points from the proposal's breakdown,
  divided by the most that criterion could give in its run (its weight's share of 100, from the
  run's settings snapshot), so runs with different weights rank on the same scale.

The score's intervals are each 95 %, like the pulse check's (reports.pulse); the criteria's hold
together (reports.validity.correlations). A question over fewer than K people (who answered, or
for completion the pairs' members) reads "too few to tell". Like the pulse, the whole life of the
cohorts chosen: a date range does not apply. Weight suggestions (reports.validity.suggest_weight)
use a program's own pairs, or all programs' together where its own suggest nothing and do not
clearly point the other way; none under a department filter, since a weight applies to the whole
program. Eight queries, whatever the number of pairs and programs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from matching.engine import CRITERIA
from matching.explain import criterion_label
from matching.forms import MAX_WEIGHT
from matching.models import QUESTION_PREFIX, MatchingSettings, MatchRun, Proposal
from programs.models import EnrolmentQuestion, Program
from relationships.models import ClosingSurvey, Mentorship, PulseAnswer
from reports.validity import (
    LOWER,
    NEGATIVE,
    POSITIVE,
    RAISE,
    SLIGHT,
    TOO_FEW,
    Sample,
    Validity,
    WeightChange,
    clearly_predicts,
    correlation,
    correlations,
    suggest_weight,
)

MentorshipMentee = Mentorship.mentees.through

SCORE = "score"
PULSE, CLOSING, COMPLETION = "pulse", "closing", "completion"
OUTCOMES = (PULSE, CLOSING, COMPLETION)
OUTCOME_LABELS = {
    PULSE: _("Pulse rating (1 to 5)"),
    CLOSING: _("Closing rating (0 to 10)"),
    COMPLETION: _("Completed, not closed early"),
}
READINGS = {
    POSITIVE: _("higher goes with better"),
    NEGATIVE: _("higher goes with worse"),
    SLIGHT: _("slight at most"),
    TOO_FEW: _("too few to tell"),
}
NO_CLEAR = _("no clear relationship")


@dataclass
class PairData:
    program: int
    score: float
    criteria: dict[str, float]
    outcomes: dict[str, float] = field(default_factory=dict)
    people: dict[str, set[int]] = field(default_factory=dict)  # who is behind each outcome


@dataclass(frozen=True)
class Suggestion:
    program: Program
    label: str  # the criterion, in words
    change: WeightChange
    pooled: bool  # the evidence is every program's pairs together, not this program's own


@dataclass
class Scope:
    """The findings over one set of pairs: a program's, or every program's together."""

    label: str
    program: Program | None
    pairs: int
    predictors: list[tuple[str, str]]  # (key, label): the score first, then the criteria
    findings: dict[tuple[str, str], Validity]  # (predictor, outcome) -> finding
    suggestions: list[Suggestion] = field(default_factory=list)

    def findings_of(self, predictor: str) -> list[Validity]:
        """The predictor's findings, one per outcome."""
        return [self.findings[predictor, outcome] for outcome in OUTCOMES]

    def rows(self) -> list[tuple[str, str, list[dict]]]:
        """(key, label, one cell per outcome) per predictor, for the page."""
        return [
            (key, label, [cell(self.findings[key, outcome]) for outcome in OUTCOMES])
            for key, label in self.predictors
        ]


@dataclass
class Quality:
    k: int
    programs: list[Scope]
    pooled: Scope | None  # several programs: all their pairs together
    suggesting: bool  # False under a department filter

    @property
    def scopes(self) -> list[Scope]:
        return ([self.pooled] if self.pooled else []) + self.programs

    @property
    def suggestions(self) -> list[Suggestion]:
        return [s for scope in self.programs for s in scope.suggestions]


def cell(validity: Validity) -> dict:
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 2)

    return {
        "n": validity.n,
        "rho": rounded(validity.rho),
        "low": rounded(validity.low),
        "high": rounded(validity.high),
        "verdict": validity.verdict,
        "reading": str(READINGS.get(validity.verdict, NO_CLEAR)),
    }


def match_quality(filters, *, k: int) -> Quality:
    pairs = _pairs(filters)
    by_program: dict[int, list[PairData]] = defaultdict(list)
    for pair in pairs.values():
        by_program[pair.program].append(pair)
    programs = Program.objects.in_bulk(list(by_program))
    questions = _question_texts(list(by_program))
    ordered = sorted(by_program, key=lambda pk: (programs[pk].name, pk))
    scopes = [
        _scope(programs[pk].name, programs[pk], by_program[pk], k, questions.get(pk, {}))
        for pk in ordered
    ]
    pooled = None
    if len(scopes) > 1:
        pooled = _scope(str(_("All programs together")), None, list(pairs.values()), k, {})
    suggesting = filters.department is None
    if suggesting:
        weights = _current_weights([programs[pk] for pk in ordered], questions)
        for scope in scopes:
            scope.suggestions = _suggestions(
                scope, pooled, weights[scope.program.pk], questions.get(scope.program.pk, {})
            )
    return Quality(k=k, programs=scopes, pooled=pooled, suggesting=suggesting)


# --- The findings ------------------------------------------------------------------------------


def _scope(
    label: str, program: Program | None, pairs: list[PairData], k: int, questions: dict[str, str]
) -> Scope:
    present = {name for pair in pairs for name in pair.criteria}
    criteria = [c for c in CRITERIA if c in present]
    if program is not None:
        # A program's own questions; across programs the same slug may be another question.
        criteria += sorted(c for c in present if c.startswith(QUESTION_PREFIX))
    nan = float("nan")
    # One row per pair: the predictors (score, then criteria), and the outcomes; NaN: none.
    x = np.array([[p.score, *(p.criteria.get(c, nan) for c in criteria)] for p in pairs])
    y = np.array([[p.outcomes.get(o, nan) for o in OUTCOMES] for p in pairs])
    x, y = x.reshape(len(pairs), 1 + len(criteria)), y.reshape(len(pairs), len(OUTCOMES))
    people = _People(pairs, y, k)

    def sample(column: int, o: int) -> Sample:
        both = ~np.isnan(x[:, column]) & ~np.isnan(y[:, o])
        values = np.column_stack((x[both, column], y[both, o]))
        return Sample(values, binary=OUTCOMES[o] == COMPLETION, hidden=people.few(o, both))

    findings = {(SCORE, outcome): correlation(sample(0, o)) for o, outcome in enumerate(OUTCOMES)}
    findings |= correlations(
        {
            (criterion, outcome): sample(1 + j, o)
            for j, criterion in enumerate(criteria)
            for o, outcome in enumerate(OUTCOMES)
        }
    )
    predictors = [(SCORE, str(_("Match score")))] + [
        (c, criterion_label(c, questions)) for c in criteria
    ]
    return Scope(label, program, len(pairs), predictors, findings)


class _People:
    """Whether fewer than K distinct people stand behind a question's pairs: the people who
    answered (or, for completion, the pairs' members). Worked out once per outcome, and again
    only for a question that leaves some of those pairs out."""

    def __init__(self, pairs: list[PairData], y: np.ndarray, k: int) -> None:
        self.pairs, self.k = pairs, k
        self.known = [~np.isnan(y[:, o]) for o in range(len(OUTCOMES))]
        self.outcome = [self._few(o, known) for o, known in enumerate(self.known)]

    def few(self, o: int, rows: np.ndarray) -> bool:
        if np.array_equal(rows, self.known[o]):
            return self.outcome[o]
        return self._few(o, rows)

    def _few(self, o: int, rows: np.ndarray) -> bool:
        outcome = OUTCOMES[o]
        behind: set[int] = set()
        for i in np.flatnonzero(rows).tolist():
            behind |= self.pairs[i].people[outcome]
            if len(behind) >= self.k:
                return False
        return True


def _suggestions(
    scope: Scope, pooled: Scope | None, weights: dict[str, float], questions: dict[str, str]
) -> list[Suggestion]:
    """From the program's own findings; where those suggest nothing, from every program's
    together, unless the program's own pairs clearly point the other way."""

    def predicts(evidence: Scope) -> set[str]:
        return {
            c
            for c, _label in evidence.predictors[1:]
            if any(clearly_predicts(f) for f in evidence.findings_of(c))
        }

    own_predict = predicts(scope)
    pooled_predict = predicts(pooled) if pooled is not None else set()
    found = []
    for criterion, label in scope.predictors[1:]:
        own = scope.findings_of(criterion)
        weight = weights.get(criterion, 0)
        change = suggest_weight(
            criterion, weight, own, most=MAX_WEIGHT, another_predicts=bool(own_predict)
        )
        pooled_evidence = False
        if change is None and pooled is not None and (criterion, PULSE) in pooled.findings:
            change = suggest_weight(
                criterion,
                weight,
                pooled.findings_of(criterion),
                most=MAX_WEIGHT,
                another_predicts=bool(pooled_predict),
            )
            against = {RAISE: (NEGATIVE, SLIGHT), LOWER: (POSITIVE,)}
            if change is not None and any(f.verdict in against[change.direction] for f in own):
                change = None
            pooled_evidence = change is not None
        if change is not None:
            found.append(Suggestion(scope.program, label, change, pooled_evidence))
    return found


# --- From the database -------------------------------------------------------------------------


def _pairs(filters) -> dict[int, PairData]:
    """Every pair in scope formed from a scored proposal, with its outcomes. Five queries."""
    mentorships = filters.scoped(Mentorship.objects.all(), "cohort")
    if filters.department is not None:
        mentorships = mentorships.filter(
            Exists(
                MentorshipMentee.objects.filter(
                    mentorship=OuterRef("pk"), person__department=filters.department
                )
            )
        )
    ids = mentorships.values("pk")
    proposals = (
        Proposal.objects.filter(mentorship__in=ids)
        .order_by("mentorship_id", "pk")
        .values_list(
            "mentorship_id",
            "run_id",
            "score",
            "breakdown",
            "mentorship__status",
            "mentorship__mentor_id",
            "mentorship__cohort__program_id",
        )
    )
    latest = {row[0]: row for row in proposals}  # a later proposal of a pair wins
    shares = _shares({row[1] for row in latest.values()})
    pairs: dict[int, PairData] = {}
    ended: dict[int, set[int]] = {}
    for mentorship, run, score, breakdown, status, mentor, program in latest.values():
        pair = PairData(program, score, _normalised(breakdown or {}, shares.get(run)))
        pairs[mentorship] = pair
        if status in Mentorship.ENDED:
            pair.outcomes[COMPLETION] = float(status == Mentorship.Status.COMPLETED)
            ended[mentorship] = {mentor}
    for mentorship, person in MentorshipMentee.objects.filter(
        mentorship_id__in=list(ended)
    ).values_list("mentorship_id", "person_id"):
        ended[mentorship].add(person)
    for mentorship, people in ended.items():
        pairs[mentorship].people[COMPLETION] = people
    _mean_of(pairs, PULSE, PulseAnswer.objects.filter(mentorship__in=ids), "rating")
    _mean_of(pairs, CLOSING, ClosingSurvey.objects.filter(mentorship__in=ids), "recommend_score")
    return pairs


def _mean_of(pairs: dict[int, PairData], outcome: str, answers, field_name: str) -> None:
    """The pair's mean over every answer (a person answering twice counts twice, as in the
    pulse check). Plain rows: summing in the database costs more in converting its results."""
    totals: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    rows = answers.order_by().values_list("mentorship_id", "person_id", field_name)
    for mentorship, person, value in rows:
        pair = pairs.get(mentorship)
        if pair is None:
            continue
        total = totals[mentorship]
        total[0] += value
        total[1] += 1
        pair.people.setdefault(outcome, set()).add(person)
    for mentorship, (total, count) in totals.items():
        pairs[mentorship].outcomes[outcome] = total / count


def _shares(runs: set[int]) -> dict[int, dict[str, float]]:
    """Per run: the most points each criterion could give (its weight's share of 100)."""
    shares = {}
    for run, snapshot in MatchRun.objects.filter(pk__in=runs).values_list(
        "pk", "settings_snapshot"
    ):
        weights = (snapshot or {}).get("weights") or {}
        total = sum(float(w) for w in weights.values())
        if total > 0:
            shares[run] = {name: float(w) / total * 100 for name, w in weights.items()}
    return shares


def _normalised(breakdown: dict[str, float], shares: dict[str, float] | None) -> dict[str, float]:
    """Points as a share of the most the criterion could give; raw points when the run kept no
    weights (they still rank the pairs of one run)."""
    if shares is None:
        return {name: float(points) for name, points in breakdown.items()}
    return {
        name: float(points) / shares[name] if shares.get(name) else float(points)
        for name, points in breakdown.items()
    }


def _question_texts(programs: list[int]) -> dict[int, dict[str, str]]:
    """The choice questions (the ones matching scores) of each program: slug -> text."""
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    choice = (EnrolmentQuestion.Kind.SINGLE, EnrolmentQuestion.Kind.MULTIPLE)
    for program, slug, text in EnrolmentQuestion.objects.filter(
        program__in=programs, kind__in=choice
    ).values_list("program_id", "slug", "text"):
        texts[program][slug] = text
    return texts


def question_texts(program: Program) -> dict[str, str]:
    return _question_texts([program.pk]).get(program.pk, {})


def _current_weights(
    programs: list[Program], questions: dict[int, dict[str, str]]
) -> dict[int, dict[str, float]]:
    saved = {s.program_id: s for s in MatchingSettings.objects.filter(program__in=programs)}
    weights = {}
    for program in programs:
        settings = saved.get(program.pk) or MatchingSettings(program=program)
        settings.program = program
        weights[program.pk] = current_weights(settings, questions.get(program.pk, {}))
    return weights


def current_weights(settings: MatchingSettings, questions: dict[str, str]) -> dict[str, float]:
    """The weights the program's next run would use, its choice questions included."""
    return settings.effective_weights(list(questions))


# --- For the page ------------------------------------------------------------------------------


def quality_page(quality: Quality | None, coordinated) -> dict | None:
    """The findings as the template reads them; a suggestion carries an apply button only for
    the coordinators of its program (`coordinated`: the reader's programs, a queryset)."""
    if quality is None:
        return None
    mine: set[int] = set()
    if quality.suggestions:
        mine = set(coordinated.values_list("pk", flat=True))
    return {
        "k": quality.k,
        "suggesting": quality.suggesting,
        "several": quality.pooled is not None,
        "scopes": [
            {
                "label": scope.label,
                "id": f"quality-{scope.program.slug}" if scope.program else "quality-all",
                "pairs": scope.pairs,
                "rows": scope.rows(),
                "suggestions": [
                    {
                        "label": s.label,
                        "criterion": s.change.criterion,
                        "current": s.change.current,
                        "suggested": s.change.suggested,
                        "raise": s.change.direction == RAISE,
                        "pooled": s.pooled,
                        "slug": s.program.slug,
                        "can_apply": s.program.pk in mine,
                    }
                    for s in scope.suggestions
                ],
            }
            for scope in quality.scopes
        ],
    }


# --- As rows and plain data (reports.exports) --------------------------------------------------

QUALITY_SECTION = "match quality by criterion"
SUGGESTION_SECTION = "suggested weight changes"


def quality_rows(quality: Quality | None) -> Iterator[tuple]:
    """(section, group, figure, value) rows: per scope and predictor, per outcome its
    correlation, interval, pairs and reading; then the suggested weight changes."""
    if quality is None:
        return
    for scope in quality.scopes:
        for _key, label, cells in scope.rows():
            for outcome, value in zip(OUTCOMES, cells, strict=True):
                group = f"{scope.label}: {label}"
                name = str(OUTCOME_LABELS[outcome])
                yield (QUALITY_SECTION, group, f"{name}: pairs", value["n"])
                for part in ("rho", "low", "high"):
                    shown = "" if value[part] is None else value[part]
                    yield (QUALITY_SECTION, group, f"{name}: {_PARTS[part]}", shown)
                yield (QUALITY_SECTION, group, f"{name}: reading", value["reading"])
    for suggestion in quality.suggestions:
        yield (
            SUGGESTION_SECTION,
            suggestion.program.name,
            suggestion.label,
            f"{suggestion.change.current} -> {suggestion.change.suggested}",
        )


_PARTS = {"rho": "spearman_rho", "low": "ci95_low", "high": "ci95_high"}


def quality_json(quality: Quality | None) -> dict | None:
    if quality is None:
        return None

    def scope_data(scope: Scope) -> dict:
        return {
            "pairs": scope.pairs,
            "predictors": {
                label: {
                    outcome: {_PARTS.get(part, part): value for part, value in cell_.items()}
                    for outcome, cell_ in zip(OUTCOMES, cells, strict=True)
                }
                for _key, label, cells in scope.rows()
            },
        }

    return {
        "outcomes": {outcome: str(label) for outcome, label in OUTCOME_LABELS.items()},
        "across_programs": scope_data(quality.pooled) if quality.pooled else None,
        "by_program": {scope.label: scope_data(scope) for scope in quality.programs},
        "suggested_weight_changes": [
            {
                "program": s.program.name,
                "criterion": s.change.criterion,
                "criterion_label": s.label,
                "current": s.change.current,
                "suggested": s.change.suggested,
                "direction": s.change.direction,
                "evidence": "all programs" if s.pooled else "this program",
            }
            for s in quality.suggestions
        ]
        if quality.suggesting
        else None,
    }
