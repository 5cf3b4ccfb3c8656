"""Benchmark of the flash-event rotation planner on a synthetic organisation.

    python benchmarks/flash.py [--sizes 120x60x6 400x150x8 1000x400x10] [--table-size 1]
                               [--seed 0] [--bound-iterations 30]

Instances come from benchmarks/matching_engine.py (same organisation, sides and scores as the
matching benchmark). Printed per size (mentees x mentors x rounds): the planner's seconds,
repeats, seated per round (min/max) and the most a round could seat with repeats allowed, and
the objective as a share of two upper bounds:

- "of bound": the report's bound, each round's best assignment with repeats allowed. It also
  ignores fairness, so with more mentees than seats it seats the same best-suited mentees
  every round; no fair rotation comes close to it then.
- "of same-seating bound": a bound for any plan that seats the same mentees in each round as
  this one (so it is as fair), with no pair twice. It is a Lagrangian relaxation of "no pair
  twice" (each round solved exactly with per-pair penalties, tightened by subgradient steps),
  so every iteration's value is a valid bound; it costs far more than the plan and is timed
  apart ("bound s").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.matching_engine import synthetic_block
from matching.engine import Rotation, ScoreSettings, plan_flash_event

_UNUSABLE = 1e12


def same_seating_bound(
    rotation: Rotation, cents: np.ndarray, mask: np.ndarray, table_size: int, iterations: int
) -> float:
    """Best bound (cents) found for plans seating each round's mentees as `rotation` does."""
    n, m = cents.shape
    value = float(rotation.objective_cents)
    penalty = np.zeros((n, m))
    best = np.inf
    for step in range(iterations):
        used = np.zeros((n, m))
        bound = float(penalty.sum())
        for r in range(rotation.rounds):
            rows = np.flatnonzero(rotation.mentor_of[r] >= 0)
            if not len(rows):
                continue
            cols = np.flatnonzero(rotation.mentor_present[r])
            slots = np.repeat(cols, table_size)
            gain = cents[np.ix_(rows, slots)] - penalty[np.ix_(rows, slots)]
            cost = np.where(mask[np.ix_(rows, slots)], -gain, _UNUSABLE)
            r_idx, c_idx = linear_sum_assignment(cost)
            bound += float(gain[r_idx, c_idx].sum())
            np.add.at(used, (rows[r_idx], slots[c_idx]), 1)
        best = min(best, bound)
        # Projected subgradient of the relaxed "each pair at most once" rows, Polyak step.
        grad = used - 1
        grad[(penalty <= 0) & (grad < 0)] = 0
        norm = float((grad**2).sum())
        if norm == 0 or best - value < 1:
            break
        theta = 2.0 / (1 + step / 5)
        penalty = np.maximum(0.0, penalty + theta * (best - value) / norm * grad)
    return best


def run(n: int, m: int, rounds: int, table_size: int, seed: int, iterations: int) -> dict:
    directory, mentees, mentors = synthetic_block(n, m, seed)
    result = plan_flash_event(
        mentees,
        mentors,
        directory,
        ScoreSettings.for_format("one_to_one"),
        rounds=rounds,
        table_size=table_size,
    )
    rotation = result.rotation
    t = time.perf_counter()
    tight = same_seating_bound(rotation, result.cents, result.mask, table_size, iterations)
    bound_seconds = time.perf_counter() - t
    return {
        "size": f"{n}x{m}x{rounds}",
        "seconds": f"{sum(result.seconds.values()):.2f}",
        "repeats": rotation.repeats,
        "seated min/max": f"{rotation.seated.min()}/{rotation.seated.max()}",
        "seat max": int(rotation.seat_max.min()),
        "objective": f"{rotation.objective_cents / 100:.0f}",
        "of bound": f"{100 * rotation.objective_cents / rotation.upper_bound_cents:.1f} %",
        "of same-seating bound": f"{100 * rotation.objective_cents / tight:.2f} %",
        "bound s": f"{bound_seconds:.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["120x60x6", "400x150x8", "1000x400x10"])
    parser.add_argument("--table-size", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bound-iterations", type=int, default=30)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        n, m, rounds = (int(x) for x in size.split("x"))
        rows.append(run(n, m, rounds, args.table_size, args.seed, args.bound_iterations))
    columns = list(rows[0])
    widths = [max(len(c), *(len(str(row[c])) for row in rows)) for c in columns]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
    if any(row["repeats"] for row in rows):
        sys.exit("a pair met twice")


if __name__ == "__main__":
    main()
