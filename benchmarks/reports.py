"""Benchmark of the HR participation report and the session-level export on PostgreSQL.

    DATABASE_URL=postgres://user@host:5432/mentoring python benchmarks/reports.py \
        [--people 10000] [--pairs 5000] [--sessions 200000] [--seed 0] [--keep]

Creates a throwaway database next to DATABASE_URL's (`<name>_bench_reports`, never that database
itself), migrates it, fills it with bulk inserts and drops it afterwards (unless --keep). Each
measurement runs in its own child process, so the peak resident memory it reports belongs to it.

Printed, for the report page as an HR viewer (organisation-wide, the heaviest scope): the first
request of a new process after another process computed the figures (they come from the shared
cache, reports.figure_cache), the warm render in that process, and the figures computed again
after a write raised the data version (reports.versioning); then the session-level CSV export's
rows per second and the export process's peak memory (the whole process: Python and Django
included). Targets: the first two renders <= 1 s, export peak <= 200 MB. The cache is the
database cache the base settings configure, shared by the processes as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_db import drop_database, scratch_database  # noqa: E402

DB_NAME = "bench_reports"
DEPARTMENTS = [f"Department {i}" for i in range(25)]
HR_EMAIL = "hr@bench.example.org"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings

    # The production cache (mentoring.settings.base), not the tests' per-process memory: the
    # figures one process computed must be there for the next one's first request.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}
    }


# --- The synthetic organisation ---------------------------------------------------------------


def populate(people_count: int, pairs_count: int, sessions_count: int, seed: int) -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from goals.models import Goal
    from profiles.models import Person
    from programs.models import Cohort, Enrolment, Program
    from relationships.models import ClosingSurvey, Mentorship
    from sessions.models import SessionLog, SessionRating

    rng = random.Random(seed)
    now = timezone.now()
    batch = 5000
    User = get_user_model()
    unusable = "!"  # no one signs in: an unusable password, not worth hashing 10,000 times
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.example.org", password=unusable) for i in range(people_count)],
        batch_size=batch,
    )
    User.objects.create(email=HR_EMAIL, password=unusable, is_hr_viewer=True)
    people = Person.objects.bulk_create(
        [
            Person(user=u, department=rng.choice(DEPARTMENTS), seniority=rng.randint(1, 10))
            for u in users
        ],
        batch_size=batch,
    )
    programs = [Program.objects.create(name=f"Program {i}", slug=f"p{i}") for i in range(10)]
    cohorts = [
        Cohort.objects.create(
            program=p, name=f"{p.name} {y}", slug=f"{p.slug}-{y}", status="active"
        )
        for p in programs
        for y in (2026, 2027)
    ]
    mentors, mentees = people[:pairs_count], people[pairs_count : 2 * pairs_count]
    spare = people[2 * pairs_count :]
    cohort_of = [cohorts[i % len(cohorts)] for i in range(pairs_count)]
    enrolled = now - dt.timedelta(days=400)
    Enrolment.objects.bulk_create(
        [
            Enrolment(cohort=cohort_of[i], person=p, role="mentor", status="approved")
            for i, p in enumerate(mentors)
        ]
        + [
            Enrolment(cohort=cohort_of[i], person=p, role="mentee", status="approved")
            for i, p in enumerate(mentees)
        ]
        + [
            Enrolment(cohort=cohorts[i % len(cohorts)], person=p, role="mentee", status="applied")
            for i, p in enumerate(spare)
        ],
        batch_size=batch,
    )
    Enrolment.objects.update(created_at=enrolled)
    reasons = [r for r, _ in Mentorship.CloseReason.choices]
    states = []
    for _ in range(pairs_count):
        roll = rng.random()
        states.append("completed" if roll < 0.2 else "closed" if roll < 0.3 else "active")
    pairs = Mentorship.objects.bulk_create(
        [
            Mentorship(
                cohort=cohort_of[i],
                mentor=mentors[i],
                status=states[i],
                started_at=now - dt.timedelta(days=370),
                ended_at=now - dt.timedelta(days=rng.randint(1, 60))
                if states[i] != "active"
                else None,
                close_reason=rng.choice(reasons) if states[i] == "closed" else "",
            )
            for i in range(pairs_count)
        ],
        batch_size=batch,
    )
    Mentorship.objects.update(created_at=enrolled + dt.timedelta(days=10))
    Mentorship.mentees.through.objects.bulk_create(
        [Mentorship.mentees.through(mentorship=m, person=mentees[i]) for i, m in enumerate(pairs)],
        batch_size=batch,
    )
    formats = ["video", "in_person", "phone", "chat"]
    written = 0
    while written < sessions_count:
        chunk = min(batch * 4, sessions_count - written)
        sessions = SessionLog.objects.bulk_create(
            [
                SessionLog(
                    mentorship=pairs[(written + j) % pairs_count],
                    # Shifting a pair's n-th session by n microseconds keeps its times
                    # distinct: one log per pair and time.
                    occurred_at=now
                    - dt.timedelta(
                        minutes=rng.randint(60, 365 * 24 * 60),
                        microseconds=(written + j) // pairs_count,
                    ),
                    duration_minutes=rng.choice((30, 45, 60, 90)),
                    format=rng.choice(formats),
                )
                for j in range(chunk)
            ],
            batch_size=batch,
        )
        SessionRating.objects.bulk_create(
            [
                SessionRating(session=s, person_id=s.mentorship.mentor_id, rating=rng.randint(1, 5))
                for s in sessions[::2]
            ],
            batch_size=batch,
        )
        written += chunk
    Goal.objects.bulk_create(
        [
            Goal(
                mentorship=m,
                owner=mentees[i],
                title="goal",
                status=rng.choice(["achieved", "in_progress", "not_started", "dropped"]),
            )
            for i, m in enumerate(pairs)
            for _ in range(2)
        ],
        batch_size=batch,
    )
    ClosingSurvey.objects.bulk_create(
        [
            ClosingSurvey(
                mentorship=m,
                person=mentees[i],
                role="mentee",
                recommend_score=rng.randint(0, 10),
                submitted_at=m.ended_at,
            )
            for i, m in enumerate(pairs)
            if m.ended_at
        ],
        batch_size=batch,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Measurements (child processes) ------------------------------------------------------------


def hr_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email=HR_EMAIL))
    return client


def timed_pages(client, count: int, **params) -> list[tuple[float, int]]:
    """(seconds, queries) for `count` requests of the report page in a row."""
    from django.db import connection

    results, queries = [], []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    for _ in range(count):
        queries.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(counted):
            response = client.get("/reports/", params)
        results.append((time.perf_counter() - started, len(queries)))
        assert response.status_code == 200, response.status_code
    return results


def measure_compute() -> dict:
    """A process that finds no figures: it computes them, and files them for the others."""
    from django.core.cache import cache

    cache.clear()
    (seconds, queries), *_ = timed_pages(hr_client(), 1)
    (department, _), *_ = timed_pages(hr_client(), 1, department=DEPARTMENTS[0])
    return {"seconds": seconds, "queries": queries, "department_s": department}


def measure_new_process() -> dict:
    """A new process after another one computed the figures: its first request, then warm."""
    first, *warm = timed_pages(hr_client(), 4)
    best = min(warm)
    return {
        "first_s": first[0],
        "first_queries": first[1],
        "warm_s": best[0],
        "warm_queries": best[1],
    }


def measure_after_change() -> dict:
    """One session's length edited (a QuerySet.update: no signal), then the page again."""
    from sessions.models import SessionLog

    session = SessionLog.objects.order_by("pk").first()
    SessionLog.objects.filter(pk=session.pk).update(
        duration_minutes=session.duration_minutes % 90 + 1
    )
    (seconds, queries), (warm, _) = timed_pages(hr_client(), 2)
    return {"seconds": seconds, "queries": queries, "warm_s": warm}


def measure_export(fmt: str) -> dict:
    client = hr_client()
    started = time.perf_counter()
    response = client.get(f"/reports/sessions.{fmt}")
    assert response.status_code == 200
    rows = size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        if fmt == "csv":
            rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    if fmt == "xlsx":
        from sessions.models import SessionLog

        rows = SessionLog.objects.count() + 1
    return {"rows": rows - 1, "seconds": elapsed, "bytes": size, "peak_mb": peak_mb()}


def child(phase: str, url: str, args: argparse.Namespace) -> None:
    setup_django(url)
    if phase == "populate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        started = time.perf_counter()
        populate(args.people, args.pairs, args.sessions, args.seed)
        result = {"seconds": time.perf_counter() - started}
    elif phase == "compute":
        result = measure_compute()
    elif phase == "new-process":
        result = measure_new_process()
    elif phase == "after-change":
        result = measure_after_change()
    else:
        result = measure_export(phase.removeprefix("export-"))
    print(json.dumps(result))


def verdict_of(seconds: float) -> str:
    return "ok" if seconds <= 1 else "OVER TARGET"


def run_child(phase: str, url: str, args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--url",
        url,
        "--people",
        str(args.people),
        "--pairs",
        str(args.pairs),
        "--sessions",
        str(args.sessions),
        "--seed",
        str(args.seed),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=5_000)
    parser.add_argument("--sessions", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--xlsx", action="store_true", help="Also time the XLSX export.")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args.phase, args.url, args)
        return
    if args.pairs * 2 > args.people:
        parser.error("--people must be at least twice --pairs (a mentor and a mentee each).")
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/name)")
    name, url = scratch_database(base, DB_NAME)
    try:
        print(
            f"database {name}: {args.people} people, {args.pairs} pairs, {args.sessions} sessions",
            flush=True,
        )
        filled = run_child("populate", url, args)
        print(f"  populated in {filled['seconds']:.1f} s", flush=True)
        print("  report page (HR, organisation-wide):", flush=True)
        computed = run_child("compute", url, args)
        print(
            f"    computed by process A (empty cache): {computed['seconds']:.3f} s, "
            f"{computed['queries']} queries (one department: {computed['department_s']:.3f} s)",
            flush=True,
        )
        fresh = run_child("new-process", url, args)
        print(
            f"    first request of a new process B: {fresh['first_s']:.3f} s, "
            f"{fresh['first_queries']} queries [target <= 1 s: {verdict_of(fresh['first_s'])}]",
            flush=True,
        )
        print(
            f"    warm render in process B: {fresh['warm_s']:.3f} s best of 3, "
            f"{fresh['warm_queries']} queries [target <= 1 s: {verdict_of(fresh['warm_s'])}]",
            flush=True,
        )
        changed = run_child("after-change", url, args)
        print(
            f"    computed again after a write (process C): {changed['seconds']:.3f} s, "
            f"{changed['queries']} queries; the next request {changed['warm_s']:.3f} s",
            flush=True,
        )
        export = run_child("export-csv", url, args)
        rate = export["rows"] / export["seconds"]
        verdict = "ok" if export["peak_mb"] <= 200 else "OVER TARGET"
        print(
            f"  session CSV export: {export['rows']} rows in {export['seconds']:.2f} s = "
            f"{rate:,.0f} rows/s, {export['bytes'] / 1e6:.1f} MB, "
            f"peak memory {export['peak_mb']:.0f} MB [target <= 200 MB: {verdict}]",
            flush=True,
        )
        if args.xlsx:
            export = run_child("export-xlsx", url, args)
            print(
                f"  session XLSX export: {export['rows']} rows in {export['seconds']:.2f} s = "
                f"{export['rows'] / export['seconds']:,.0f} rows/s, "
                f"peak memory {export['peak_mb']:.0f} MB",
                flush=True,
            )
    finally:
        if not args.keep:
            drop_database(base, name)


if __name__ == "__main__":
    main()
