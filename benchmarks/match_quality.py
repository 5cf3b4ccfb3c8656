"""Benchmark of the match-quality figures (reports.quality) on PostgreSQL.

    DATABASE_URL=postgres://user@host:5432/mentoring python benchmarks/match_quality.py \
        [--pairs 5000] [--programs 10] [--seed 0] [--keep]

Creates a throwaway database next to DATABASE_URL's (`<name>_bench_quality`), migrates it, fills
it with pairs formed from scored proposals (six criteria), two pulse rounds answered by both
people, and closing surveys for the ended pairs; then times `match_quality` over the whole
organisation (every program, and all together), the first call and the next, with its queries.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_db import drop_database, scratch_database  # noqa: E402

DB_NAME = "bench_quality"
WEIGHTS = {
    "expertise": 40.0,
    "seniority": 20.0,
    "department": 10.0,
    "language": 15.0,
    "timezone": 10.0,
    "format": 5.0,
}


def populate(pairs_count: int, programs_count: int, seed: int) -> None:
    from django.contrib.auth import get_user_model

    from matching.models import MatchRun, Proposal
    from profiles.models import Person
    from programs.models import Cohort, Enrolment, Program
    from relationships.models import ClosingSurvey, Mentorship, PulseAnswer

    rng = random.Random(seed)
    batch = 5000
    User = get_user_model()
    unusable = "!"  # no one signs in: an unusable password, not worth hashing
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.example.org", password=unusable) for i in range(2 * pairs_count)],
        batch_size=batch,
    )
    people = Person.objects.bulk_create(
        [Person(user=u, department=f"D{i % 20}") for i, u in enumerate(users)], batch_size=batch
    )
    programs = [
        Program.objects.create(name=f"Program {i}", slug=f"p{i}") for i in range(programs_count)
    ]
    cohorts = [
        Cohort.objects.create(program=p, name=p.name, slug=p.slug, status="active")
        for p in programs
    ]
    runs = [
        MatchRun.objects.create(cohort=c, settings_snapshot={"weights": WEIGHTS}) for c in cohorts
    ]
    cohort_of = [i % len(cohorts) for i in range(pairs_count)]
    mentors, mentees = people[:pairs_count], people[pairs_count:]
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(cohort=cohorts[cohort_of[i]], person=p, role=role, status="approved")
            for role, side in (("mentor", mentors), ("mentee", mentees))
            for i, p in enumerate(side)
        ],
        batch_size=batch,
    )
    states = [rng.choice(["active", "active", "completed", "closed"]) for _ in range(pairs_count)]
    pairs = Mentorship.objects.bulk_create(
        [
            Mentorship(cohort=cohorts[cohort_of[i]], mentor=mentors[i], status=states[i])
            for i in range(pairs_count)
        ],
        batch_size=batch,
    )
    Mentorship.mentees.through.objects.bulk_create(
        [Mentorship.mentees.through(mentorship=m, person=mentees[i]) for i, m in enumerate(pairs)],
        batch_size=batch,
    )
    proposals = []
    for i, pair in enumerate(pairs):
        points = {name: round(w * rng.random(), 2) for name, w in WEIGHTS.items()}
        proposals.append(
            Proposal(
                run=runs[cohort_of[i]],
                mentor=enrolments[i],
                mentee=enrolments[pairs_count + i],
                score=round(sum(points.values()), 2),
                breakdown=points,
                mentorship=pair,
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=batch)
    PulseAnswer.objects.bulk_create(
        [
            PulseAnswer(mentorship=m, person=person, round=r, rating=rng.randint(1, 5))
            for i, m in enumerate(pairs)
            for person in (mentors[i], mentees[i])
            for r in (0, 1)
        ],
        batch_size=batch,
    )
    ClosingSurvey.objects.bulk_create(
        [
            ClosingSurvey(
                mentorship=m, person=person, role=role, recommend_score=rng.randint(0, 10)
            )
            for i, m in enumerate(pairs)
            if states[i] != "active"
            for person, role in ((mentors[i], "mentor"), (mentees[i], "mentee"))
        ],
        batch_size=batch,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.quality import match_quality
    from reports.selectors import ReportFilters

    for call in ("first", "next"):
        started, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            quality = match_quality(ReportFilters(), k=5)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU time: this process's own work, what a busy machine does not stretch.
        print(
            f"match_quality ({call} call): {seconds * 1000:.0f} ms ({cpu * 1000:.0f} ms CPU), "
            f"{len(queries.captured_queries)} queries, {len(quality.programs)} programs, "
            f"{sum(s.pairs for s in quality.programs)} scored pairs, "
            f"{len(quality.suggestions)} suggestions"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5_000)
    parser.add_argument("--programs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("Set DATABASE_URL to a PostgreSQL database (a scratch one is made beside it).")
    name, url = scratch_database(base, DB_NAME)
    try:
        os.environ["DATABASE_URL"] = url
        os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.test"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        populate(args.pairs, args.programs, args.seed)
        print(f"populated {args.pairs} pairs in {time.perf_counter() - started:.1f} s")
        measure()
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(base, name)


if __name__ == "__main__":
    main()
