"""Does the match score predict how useful people find their mentoring? Plain numbers in, a
verdict out: no Django here.

Over the pairs formed from a scored proposal that have pulse answers: Spearman's rank
correlation between the proposal's score and the pair's mean pulse rating, with a 95 %
confidence interval (Fisher's z with the Bonett-Wright standard error for Spearman's rho). The
verdict says plainly when there are too few pairs to tell, and claims a relationship only when
the interval leaves out zero. It is never acted on automatically.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

MIN_PAIRS = 10  # fewer: "too few pairs to tell", whatever the numbers say
Z_95 = 1.959963984540054

TOO_FEW = "too_few"
POSITIVE = "positive"
NEGATIVE = "negative"
NONE = "none"


@dataclass(frozen=True)
class Validity:
    n: int
    rho: float | None
    low: float | None
    high: float | None
    verdict: str  # TOO_FEW, POSITIVE, NEGATIVE or NONE


def score_predicts_rating(pairs: Sequence[tuple[float, float]]) -> Validity:
    """`pairs`: (match score, mean pulse rating) per pair."""
    n = len(pairs)
    if n < MIN_PAIRS:
        return Validity(n, None, None, None, TOO_FEW)
    scores = [score for score, _ in pairs]
    ratings = [rating for _, rating in pairs]
    if len(set(scores)) < 2 or len(set(ratings)) < 2:
        # Every pair scored (or rated) alike: nothing to rank, no relationship to see.
        return Validity(n, None, None, None, NONE)
    rho = float(stats.spearmanr(scores, ratings).statistic)
    # atanh(±1) is infinite: a perfect ranking gets the interval of a nearly perfect one.
    clipped = max(min(rho, 0.9999), -0.9999)
    se = math.sqrt((1 + clipped**2 / 2) / (n - 3))
    z = math.atanh(clipped)
    low, high = math.tanh(z - Z_95 * se), math.tanh(z + Z_95 * se)
    verdict = POSITIVE if low > 0 else NEGATIVE if high < 0 else NONE
    return Validity(n, rho, low, high, verdict)
