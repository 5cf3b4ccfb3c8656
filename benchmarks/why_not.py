"""Benchmark of "why not" (matching.engine.why_not) on a synthetic organisation.

    python benchmarks/why_not.py [--sizes 1000x400 10000x4000] [--rows 1 50] [--seed 0]
                                 [--database]

Instances come from benchmarks/matching_engine.py. The program limits the time-zone gap to
6 hours and keeps people out of their own department; 5% of mentor places are left and a
coordinator rejected 10,000 random pairs. Printed per size and number of mentee rows asked
at once (1: a mentee's dashboard; 50: a page of a run's unmatched): seconds for the scores
of those rows (to name mentors best first), for why_not itself, and per mentee.

With --database the whole Django path is timed instead (`matching.why_not`, loading the
cohort from PostgreSQL as a page does), on benchmarks/matching.py's synthetic cohort in a
throwaway database per size, with the program's limits set as above and no run yet (every
mentor's places are free).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.matching_engine import synthetic_block
from matching.engine import ConstraintSettings, ScoreSettings, score_matrix
from matching.engine.why_not import why_not

SETTINGS = ConstraintSettings(max_tz_gap_hours=6, exclude_same_department=True)


def run(n_mentees: int, n_mentors: int, n_rows: int, seed: int) -> dict:
    directory, mentees, mentors = synthetic_block(n_mentees, n_mentors, seed)
    rng = np.random.default_rng(seed + 1)
    places = np.where(rng.random(n_mentors) < 0.05, mentors.capacity, 0)
    forbidden = np.stack(
        [rng.choice(mentees.person, 10_000), rng.choice(mentors.person, 10_000)], axis=1
    )
    rows = np.sort(rng.choice(n_mentees, n_rows, replace=False))
    t0 = time.perf_counter()
    asked = replace(
        mentees,
        person=mentees.person[rows],
        seniority=mentees.seniority[rows],
        department=mentees.department[rows],
        languages=mentees.languages[rows],
        tz_offset=mentees.tz_offset[rows],
        meeting_format=mentees.meeting_format[rows],
        interests=mentees.interests[rows],
        answers={slug: m[rows] for slug, m in mentees.answers.items()},
    )
    cents = score_matrix(asked, mentors, ScoreSettings.for_format("one_to_one"))
    t1 = time.perf_counter()
    results = why_not(
        asked,
        mentors,
        directory,
        np.arange(n_rows),
        places,
        SETTINGS,
        forbidden=forbidden,
        cents=cents,
    )
    t2 = time.perf_counter()
    first = results[0]
    return {
        "size": f"{n_mentees}x{n_mentors}",
        "rows": n_rows,
        "scores_s": round(t1 - t0, 3),
        "why_not_s": round(t2 - t1, 3),
        "per_mentee_s": round((t2 - t0) / n_rows, 4),
        "first": f"{first.excluded} passing={first.passing} full={first.full} "
        f"changes={[(c.rule, c.gives, c.hours) for c in first.changes]}",
    }


def child(size: str, rows: list[int], seed: int) -> list[dict]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.matching import SLUG, populate
    from matching.loading import settings_for
    from matching.why_not import _compute
    from programs.models import Cohort, Enrolment

    n, m = (int(x) for x in size.split("x"))
    call_command("migrate", verbosity=0)
    populate(n, m, seed)
    cohort = Cohort.objects.select_related("program").get(slug=SLUG)
    settings = settings_for(cohort.program)
    settings.max_tz_gap_hours = 6
    settings.exclude_same_department = True
    settings.save()
    mentees = list(
        Enrolment.objects.filter(cohort=cohort, role="mentee")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    out = []
    for n_rows in rows:
        t, cpu = time.perf_counter(), time.process_time()
        _block, results = _compute(cohort, mentees[:n_rows], None)
        seconds = time.perf_counter() - t
        out.append(
            {
                "size": size,
                "rows": n_rows,
                "django_s": round(seconds, 3),
                # On a shared machine the wall time is mostly waiting for a core.
                "cpu_s": round(time.process_time() - cpu, 3),
                "per_mentee_s": round(seconds / n_rows, 4),
                "explained": len(results),
            }
        )
    return out


def with_database(sizes: list[str], rows: list[int], seed: int) -> None:
    from benchmarks.matching import ThrowawayDatabase

    for size in sizes:
        with ThrowawayDatabase(f"whynot_{size.replace('x', '_')}") as url:
            command = [sys.executable, __file__, "--child", size, "--seed", str(seed)]
            command += ["--rows", *map(str, rows)]
            env = {**os.environ, "DATABASE_URL": url}
            done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode:
            sys.exit(f"{size} failed:\n{done.stderr}")
        for row in json.loads(done.stdout.strip().splitlines()[-1]):
            print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1000x400", "10000x4000"])
    parser.add_argument("--rows", nargs="+", type=int, default=[1, 50])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--database", action="store_true", help="time the Django path")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows, args.seed)))
        return
    if args.database:
        with_database(args.sizes, args.rows, args.seed)
        return
    for size in args.sizes:
        n_mentees, n_mentors = (int(x) for x in size.split("x"))
        for n_rows in args.rows:
            row = run(n_mentees, n_mentors, n_rows, args.seed)
            print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)


if __name__ == "__main__":
    main()
