"""Benchmark of the whole Django matching path, run as a job, on a synthetic organisation.

    python benchmarks/matching.py [--sizes 1000x400 5000x2000 10000x4000] [--seed 0]
                                  [--repeat 3] [--no-check]

Each size gets its own throwaway database, created here and dropped afterwards: a new
PostgreSQL database next to DATABASE_URL's when that is set (never that database itself),
else a temporary SQLite file. Each size also runs in its own child process, so the peak
resident memory it reports belongs to that size alone.

The run goes the way a coordinator's click sends it: `match_run_start` records the job, and
when its transaction commits the Celery task runs it (in-process: the test settings run tasks
eagerly, so the time is the job's own work, without a broker's hand-over). `job_s` is from the
click to the job's success: loading the cohort, scoring, constraints, solving with its
optimality proof, and storing the run and its proposals; each stage's seconds come from the
run's own timings. Best of --repeat cold runs (no earlier run, so no warm start); `job_cpu_s`
is that run's CPU time, a figure that a machine shared with other work inflates less than the
wall clock. `today_job_s` is the figure measured before the engine work of issue 16.
Then `warm_*`: the same cohort matched again (best of --repeat), which starts from the latest
run's pairs. `equal` says whether the objective equals an independent exact solve (SciPy's
dense assignment on the capacity-expanded matrix, from benchmarks/matching_engine.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_db import drop_database, scratch_database  # noqa: E402

SLUG = "bench"
DEPARTMENTS = [f"Department {i}" for i in range(25)]
LANGUAGES = ["en", "de", "fr", "es", "pt", "ja", "zh", "hi"]
TIME_ZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
]
N_TAGS = 200
GOALS = ["lead", "switch", "grow", "network", "balance"]
TOPICS = ["strategy", "people", "tech", "sales", "finance", "product", "ops", "design"]


def load_note() -> str:
    """How busy the machine is: wall times on a shared machine are worth reading with it."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Throwaway databases ------------------------------------------------------------------------


class ThrowawayDatabase:
    """A fresh database URL for one size; removed on exit."""

    def __init__(self, name: str) -> None:
        self.base = os.environ.get("DATABASE_URL", "")
        self.name = name
        self.tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> str:
        if self.base.startswith(("postgres://", "postgresql://")):
            self.db, url = scratch_database(self.base, f"bench_{self.name}_{os.getpid()}")
            return url
        self.tmp = tempfile.TemporaryDirectory(prefix="matching-bench-")
        return f"sqlite:///{Path(self.tmp.name) / 'bench.sqlite3'}"

    def __exit__(self, *exc: object) -> None:
        if self.tmp is not None:
            self.tmp.cleanup()
        else:
            drop_database(self.base, self.db)


# --- The synthetic organisation (child process, Django set up) ---------------------------------


def populate(n_mentees: int, n_mentors: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from profiles.models import Person
    from programs.models import Cohort, Enrolment, EnrolmentQuestion, MeetingFormat, Program

    rng = np.random.default_rng(seed)
    n_people = int((n_mentees + n_mentors) * 1.25)
    # A random recursive tree, managers biased to the front: a few deep chains, wide teams.
    manager = np.empty(n_people, dtype=np.int64)
    manager[0] = -1
    manager[1:] = (np.arange(1, n_people) * rng.random(n_people - 1) ** 2).astype(np.int64)
    depth = np.zeros(n_people, dtype=np.int64)
    for p in range(1, n_people):
        depth[p] = depth[manager[p]] + 1
    seniority = np.clip(10 - depth + rng.integers(-1, 2, n_people), 1, 10)

    User = get_user_model()
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.example.org",
                first_name=f"P{i}",
                last_name="Bench",
                password=unusable,
                timezone=TIME_ZONES[rng.integers(len(TIME_ZONES))],
            )
            for i in range(n_people)
        ],
        batch_size=2000,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                user=user,
                seniority=int(seniority[i]),
                department=DEPARTMENTS[rng.integers(len(DEPARTMENTS))],
                languages=(["en"] if rng.random() < 0.85 else [])
                + rng.choice(LANGUAGES[1:], size=rng.integers(0, 3), replace=False).tolist(),
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
    for i, person in enumerate(people):
        person.manager_id = people[manager[i]].pk if manager[i] >= 0 else None
    Person.objects.bulk_update(people, ["manager"], batch_size=2000)

    program = Program.objects.create(name="Bench", slug=SLUG, default_capacity=1)
    EnrolmentQuestion.objects.create(
        program=program, slug="goal", text="Goal", kind="single", choices=GOALS
    )
    EnrolmentQuestion.objects.create(
        program=program, slug="topics", text="Topics", kind="multiple", choices=TOPICS
    )
    cohort = Cohort.objects.create(program=program, name="Bench", slug=SLUG, status="matching")
    order = np.argsort(-seniority + rng.random(n_people) * 4, kind="stable")
    mentors = np.sort(order[:n_mentors])
    mentees = np.sort(rng.choice(order[n_mentors:], size=n_mentees, replace=False))
    popularity = 1.0 / np.arange(1, N_TAGS + 1) ** 0.8
    popularity /= popularity.sum()
    formats = [*MeetingFormat.values[:3], ""]

    def tags(low: int, high: int) -> list[str]:
        k = rng.integers(low, high + 1)
        return [f"t{t}" for t in rng.choice(N_TAGS, size=k, replace=False, p=popularity)]

    def answers() -> dict:
        k = rng.integers(1, 4)
        return {
            "goal": GOALS[rng.integers(len(GOALS))],
            "topics": rng.choice(TOPICS, size=k, replace=False).tolist(),
        }

    rows = [
        Enrolment(
            cohort=cohort,
            person=people[i],
            role="mentee",
            status="approved",
            interests=tags(2, 6),
            answers=answers(),
            preferred_format=formats[rng.integers(len(formats))],
        )
        for i in mentees.tolist()
    ] + [
        Enrolment(
            cohort=cohort,
            person=people[i],
            role="mentor",
            status="approved",
            expertise=tags(3, 8),
            answers=answers(),
            capacity=int(rng.integers(1, 4)),
            preferred_format=formats[rng.integers(len(formats))],
        )
        for i in mentors.tolist()
    ]
    Enrolment.objects.bulk_create(rows, batch_size=2000)


# End to end as a job, measured before the engine work of issue 16 (seconds).
TODAY_JOB_S = {"10000x4000": 15.5}


def run_job(cohort) -> tuple[float, float, object]:
    """One matching job from the click to its end: wall and CPU seconds, and the run."""
    from django.db import transaction

    from jobs.models import Job
    from matching.models import MatchRun
    from matching.services import match_run_start

    wall, cpu = time.perf_counter(), time.process_time()
    # Committing hands the job to Celery, which runs it here (eager tasks).
    with transaction.atomic():
        job = match_run_start(cohort=cohort)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    job.refresh_from_db()
    if job.state != Job.State.SUCCEEDED:
        raise RuntimeError(f"job ended {job.state}: {job.error}")
    return wall, cpu, MatchRun.objects.get(pk=job.result["run"])


def child(size: str, seed: int, check: bool, repeat: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "mentoring.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    from matching.models import MatchRun
    from programs.models import Cohort

    n, m = (int(x) for x in size.split("x"))
    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    populate(n, m, seed)
    populate_s = time.perf_counter() - t
    cohort = Cohort.objects.select_related("program").get(slug=SLUG)
    # What a worker has done once before its first job (imports, URLs): not the job's time.
    from django.urls import reverse

    import matching.jobs  # noqa: F401

    reverse("matching:cohort", args=[SLUG])

    cold = []
    for _ in range(repeat):
        MatchRun.objects.all().delete()  # nothing to start from: a first run
        cold.append(run_job(cohort))
    wall, cpu, run = min(cold, key=lambda x: x[0])
    warm = [run_job(cohort) for _ in range(repeat)]
    warm_wall, _warm_cpu, warm_run = min(warm, key=lambda x: x[0])
    peak = peak_mb()
    timings = run.timings
    row = {
        "size": size,
        "load_s": timings.get("loading"),
        "scoring_s": timings.get("scoring"),
        "constraints_s": timings.get("constraints"),
        "solve_s": timings.get("solving"),
        "store_s": timings.get("storing"),
        "job_s": round(wall, 2),
        "job_cpu_s": round(cpu, 2),
        "today_job_s": TODAY_JOB_S.get(size, ""),
        "warm_solve_s": warm_run.timings.get("solving"),
        "warm_job_s": round(warm_wall, 2),
        "warm_method": warm_run.method,
        "peak_mb": round(peak),
        "method": run.method,
        "matched": run.proposals.count(),
        "objective": run.objective,
        "populate_s": round(populate_s, 1),
    }
    if warm_run.objective != run.objective:
        row["equal"] = False
    elif check:
        from benchmarks.matching_engine import reference_bipartite
        from matching.engine import feasibility_mask, score_matrix
        from matching.loading import load_cohort

        block = load_cohort(cohort)
        cents = score_matrix(block.mentee_side, block.mentor_side, block.score_settings)
        mask = feasibility_mask(
            block.mentee_side, block.mentor_side, block.directory, block.constraint_settings
        )
        matched, total = reference_bipartite(cents, mask, block.mentor_side.capacity)
        stored = round(sum(round(s * 100) for s in run.proposals.values_list("score", flat=True)))
        row["equal"] = (matched, total) == (row["matched"], stored) and total == round(
            run.objective * 100
        )
    return row


COLUMNS = [
    "size",
    "load_s",
    "scoring_s",
    "constraints_s",
    "solve_s",
    "store_s",
    "job_s",
    "job_cpu_s",
    "today_job_s",
    "warm_solve_s",
    "warm_job_s",
    "warm_method",
    "peak_mb",
    "method",
    "matched",
    "objective",
    "equal",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["1000x400", "5000x2000", "10000x4000"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    parser.add_argument("--no-check", action="store_true", help="skip the reference solve")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(child(args.child, args.seed, not args.no_check, args.repeat)))
        return

    where = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"# throwaway {where} database per size; best of {args.repeat}; {load_note()}")
    print(" | ".join(COLUMNS))
    failed = False
    for size in args.sizes:
        with ThrowawayDatabase(size.replace("x", "_")) as url:
            command = [sys.executable, __file__, "--child", size, "--seed", str(args.seed)]
            command += ["--repeat", str(args.repeat)]
            if args.no_check:
                command.append("--no-check")
            env = {**os.environ, "DATABASE_URL": url}
            done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
        if done.returncode:
            sys.exit(f"{size} failed:\n{done.stderr}")
        out = done.stdout
        row = json.loads(out.strip().splitlines()[-1])
        failed |= row.get("equal") is False
        print(" | ".join(str(row.get(c, "")) for c in COLUMNS), flush=True)
    if failed:
        sys.exit("objective differs from the reference solve")


if __name__ == "__main__":
    main()
