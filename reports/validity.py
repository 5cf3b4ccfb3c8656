"""Does the match score, and each criterion in it, predict how well pairs go? Plain numbers in,
a verdict out: no Django here.

Over the pairs formed from a scored proposal: Spearman's rank correlation between a predictor
(the proposal's score, or one criterion's points) and an outcome (the pair's mean pulse rating,
its mean closing rating, or whether it completed rather than closed early, as 1 or 0), with a
confidence interval (Fisher's z with the Bonett-Wright standard error for Spearman's rho). Against
a yes/no outcome Spearman's rho is the point-biserial correlation of the ranks; its interval is
the same approximation, and is asked of at least MIN_EACH pairs on each side.

The verdict says plainly when there are too few pairs to tell, and claims a relationship only
when the interval leaves out zero. The criteria are many questions asked of the same pairs, so
their intervals hold together (Bonferroni over the criterion-outcome questions that could be
answered): among noise, one in twenty criteria does not light up by chance. A weight change is
only ever suggested (`suggest_weight`), never made here.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_PAIRS = 10  # fewer: "too few pairs to tell", whatever the numbers say
MIN_EACH = 5  # a yes/no outcome: fewer completed (or closed early) pairs than this, too few
Z_95 = 1.959963984540054
# A criterion whose whole interval lies within ±NEGLIGIBLE barely matters, if at all (Cohen's
# "small" correlation is 0.1): clearly not worth its weight.
NEGLIGIBLE = 0.1

TOO_FEW = "too_few"
POSITIVE = "positive"
NEGATIVE = "negative"
NONE = "none"
SLIGHT = "slight"  # clearly at most a negligible relationship, either way

RAISE = "raise"
LOWER = "lower"
STEP = 5  # weights move in steps of 5 points


@dataclass(frozen=True)
class Validity:
    n: int
    rho: float | None
    low: float | None
    high: float | None
    verdict: str  # TOO_FEW, POSITIVE, NEGATIVE, NONE or (criteria only) SLIGHT


@dataclass(frozen=True)
class Sample:
    """One question: (predictor, outcome) per pair, as a sequence of pairs or an (n, 2) array.
    `binary`: the outcome is 1 or 0. `hidden`: fewer than K people behind it, so too few to
    tell whatever the numbers."""

    pairs: Sequence[tuple[float, float]] | np.ndarray
    binary: bool = False
    hidden: bool = False

    @property
    def n(self) -> int:
        return len(self.pairs)


def score_predicts_rating(pairs: Sequence[tuple[float, float]]) -> Validity:
    """`pairs`: (match score, mean pulse rating) per pair."""
    return correlation(Sample(pairs))


def correlation(sample: Sample, *, z: float = Z_95, negligible: bool = False) -> Validity:
    """One question with its own 95 % interval (or another `z`). With `negligible`, an
    interval within ±NEGLIGIBLE reads SLIGHT rather than NONE."""
    return _finding(sample, _rho(sample), z, negligible)


def correlations(samples: Mapping[Hashable, Sample]) -> dict[Hashable, Validity]:
    """Many questions of the same pairs, with intervals that hold for all of them together:
    each at the 1 - 0.05 / m level, m the questions with enough pairs to ask."""
    rhos = {key: _rho(sample) for key, sample in samples.items()}
    z = z_for(sum(1 for rho in rhos.values() if rho is not None))
    return {key: _finding(samples[key], rhos[key], z, True) for key in samples}


def z_for(questions: int) -> float:
    """The normal quantile for 95 % intervals that hold for `questions` at once."""
    if questions <= 1:
        return Z_95
    return float(stats.norm.ppf(1 - 0.05 / (2 * questions)))


def _finding(sample: Sample, rho: float | None, z: float, negligible: bool) -> Validity:
    n = sample.n
    if rho is None:
        return Validity(n, None, None, None, NONE if _testable(sample) else TOO_FEW)
    low, high = _interval(rho, n, z)
    if low > 0:
        verdict = POSITIVE
    elif high < 0:
        verdict = NEGATIVE
    elif negligible and low > -NEGLIGIBLE and high < NEGLIGIBLE:
        verdict = SLIGHT
    else:
        verdict = NONE
    return Validity(n, rho, low, high, verdict)


def _testable(sample: Sample) -> bool:
    if sample.hidden or sample.n < MIN_PAIRS:
        return False
    if sample.binary:
        ones = int(np.count_nonzero(_values(sample)[:, 1]))
        return min(ones, sample.n - ones) >= MIN_EACH
    return True


def _values(sample: Sample) -> np.ndarray:
    return np.asarray(sample.pairs, dtype=float).reshape(-1, 2)


def _rho(sample: Sample) -> float | None:
    """Spearman's rho: Pearson's correlation of the (average, for ties) ranks."""
    if not _testable(sample):
        return None
    values = _values(sample)
    if np.ptp(values[:, 0]) == 0 or np.ptp(values[:, 1]) == 0:
        # Every pair scored (or rated) alike: nothing to rank, no relationship to see.
        return None
    ranks = stats.rankdata(values, axis=0)
    return float(np.corrcoef(ranks[:, 0], ranks[:, 1])[0, 1])


def _interval(rho: float, n: int, z: float) -> tuple[float, float]:
    # atanh(±1) is infinite: a perfect ranking gets the interval of a nearly perfect one.
    clipped = max(min(rho, 0.9999), -0.9999)
    se = math.sqrt((1 + clipped**2 / 2) / (n - 3))
    centre = math.atanh(clipped)
    return math.tanh(centre - z * se), math.tanh(centre + z * se)


# --- What to do about it ---------------------------------------------------------------------


@dataclass(frozen=True)
class WeightChange:
    criterion: str
    current: int
    suggested: int
    direction: str  # RAISE or LOWER


def raised(weight: int, *, most: int) -> int:
    """Half as much again, in steps of STEP, at least one step up, at most `most`."""
    return min(most, max(weight + STEP, _to_step(weight * 1.5)))


def lowered(weight: int) -> int:
    """Halved, in steps of STEP, at least one step down, never below 0."""
    return max(0, min(weight - STEP, _to_step(weight * 0.5)))


def _to_step(value: float) -> int:
    return STEP * math.floor(value / STEP + 0.5)


def suggest_weight(
    criterion: str,
    weight: float,
    findings: Sequence[Validity],
    *,
    most: int,
    another_predicts: bool = False,
) -> WeightChange | None:
    """A criterion that clearly goes with better outcomes, and with none worse: raise it. One
    that clearly goes with worse outcomes and none better: lower it. One that clearly matters
    little to every outcome it could be tried on: lower it too, but only when `another_predicts`
    (another criterion clearly goes with better outcomes): the weights are shares of their total,
    so lowering every criterion alike would change nothing. Anything mixed or unclear: leave it.

    "Clearly" is an interval that leaves out zero and a correlation of at least NEGLIGIBLE
    either way: over thousands of pairs a correlation of 0.03 can be told from zero, but it is no
    reason to move a weight."""
    current = round(weight)
    answered = [_for_weights(finding) for finding in findings if finding.verdict != TOO_FEW]
    worse = NEGATIVE in answered and POSITIVE not in answered
    little = another_predicts and bool(answered) and set(answered) == {SLIGHT}
    if POSITIVE in answered and NEGATIVE not in answered:
        direction, suggested = RAISE, raised(current, most=most)
    elif worse or little:
        direction, suggested = LOWER, lowered(current)
    else:
        return None
    if suggested == current or current <= 0:
        return None
    return WeightChange(criterion, current, suggested, direction)


def clearly_predicts(finding: Validity) -> bool:
    return _for_weights(finding) == POSITIVE


def _for_weights(finding: Validity) -> str:
    if finding.verdict in (POSITIVE, NEGATIVE) and abs(finding.rho or 0) < NEGLIGIBLE:
        return NONE
    return finding.verdict
