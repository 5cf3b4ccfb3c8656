"""Benchmark of the reminder pipeline on a throwaway database.

    python benchmarks/reminders.py [--meetings 100000] [--send 2000]

With DATABASE_URL pointing at PostgreSQL, a database named `<name>_bench_<pid>` is created
on that server and dropped afterwards; without it, a temporary SQLite file. Measures:

* the due scan: the reminder planner's query over `--meetings` scheduled meetings, the
  outbox's due query over a table holding a history of sent messages, and one whole scan;
* the send rate of one worker (`celery worker`, solo pool and the Procfile's prefork with two
  processes) delivering `--send` reminders to a local SMTP sink (a minimal responder in this
  file), tasks of SEND_BATCH messages sharing one SMTP connection. The broker is REDIS_URL
  when set (on a queue of its own), else the file broker in a temporary folder.

Targets: scan < 1 s, >= 100 messages/s.
"""

from __future__ import annotations

import argparse
import os
import random
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# --- A tiny SMTP sink -------------------------------------------------------------------------


class SinkHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                while self.rfile.readline() not in (b".\r\n", b".\n", b""):
                    pass
                with self.server.lock:
                    self.server.received += 1
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.received = 0
        self.lock = threading.Lock()


# --- A throwaway database ---------------------------------------------------------------------


def throwaway_database(tmp: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres", "pgsql", "psql")):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    import psycopg2

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'mentoring'}_bench_{os.getpid()}"
    admin = psycopg2.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


# --- Data -------------------------------------------------------------------------------------


def populate(n_meetings: int, n_pairs: int, history: int) -> None:
    from django.contrib.auth import get_user_model

    from notifications.models import Dispatch
    from profiles.models import Person
    from programs.models import Cohort, Program
    from relationships.models import Mentorship
    from scheduling.models import Meeting

    now = time.time()
    User = get_user_model()
    program = Program.objects.create(name="Bench", slug="bench")
    cohort = Cohort.objects.create(program=program, name="Bench", slug="bench", status="active")
    users = User.objects.bulk_create(
        User(email=f"p{i}@example.org", first_name=f"P{i}", timezone="Europe/Berlin")
        for i in range(2 * n_pairs)
    )
    people = Person.objects.bulk_create(Person(user=u) for u in users)
    from django.utils import timezone

    started = timezone.now() - timedelta(days=3)
    pairs = Mentorship.objects.bulk_create(
        Mentorship(cohort=cohort, mentor=people[2 * i], status="active", started_at=started)
        for i in range(n_pairs)
    )
    Mentorship.mentees.through.objects.bulk_create(
        Mentorship.mentees.through(mentorship=m, person=people[2 * i + 1])
        for i, m in enumerate(pairs)
    )
    rng = random.Random(0)
    base = timezone.now() - timedelta(days=30)
    batch = []
    for i in range(n_meetings):
        batch.append(
            Meeting(
                mentorship=pairs[i % n_pairs],
                scheduled_by=users[2 * (i % n_pairs)],
                start=base + timedelta(minutes=rng.randrange(365 * 24 * 60)),
                uid=f"{uuid.uuid4()}@bench",
            )
        )
        if len(batch) == 5000:
            Meeting.objects.bulk_create(batch)
            batch = []
    Meeting.objects.bulk_create(batch)
    # A history of sent mail, as an install has after a while.
    Dispatch.objects.bulk_create(
        (
            Dispatch(
                kind="meeting_reminder",
                object_id=i,
                occurrence="bench",
                recipient=users[i % len(users)],
                status="sent",
                due_at=base,
                sent_at=base,
            )
            for i in range(history)
        ),
        batch_size=5000,
    )
    print(f"populated {n_meetings} meetings, {n_pairs} pairs, {history} sent rows "
          f"in {time.time() - now:.1f} s")  # fmt: skip


def best_of(runs: int, func) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


def measure_scan() -> dict[str, float]:
    from django.utils import timezone

    from notifications import services
    from scheduling.messages import plan_reminders

    now = timezone.now()
    enqueued: list[int] = []
    real = services._send_tasks
    services._send_tasks = enqueued.extend  # count, do not send: this part times the scan
    try:
        figures = {
            "reminder planner (query + plan)": best_of(5, lambda: list(plan_reminders(now))),
            "outbox due query": best_of(
                5, lambda: list(services._due_rows(now).values_list("pk", flat=True)[:2000])
            ),
            "whole scan (first, plans and enqueues)": best_of(
                1, lambda: services.notifications_scan(now=now)
            ),
            "whole scan (steady state)": best_of(3, lambda: services.notifications_scan(now=now)),
        }
    finally:
        services._send_tasks = real
    print(f"  first scan planned and enqueued {len(enqueued)} messages")
    return figures


def measure_send(count: int, tmp: Path, db_url: str, pool: list[str]) -> float:
    from django.db import connection
    from django.utils import timezone

    from mentoring.celery import app
    from notifications.models import Dispatch
    from notifications.services import notifications_scan
    from scheduling.models import Meeting

    Dispatch.objects.filter(status__in=["pending", "sending"]).delete()
    Meeting.objects.filter(start__gt=timezone.now() - timedelta(days=1)).delete()
    pairs = list(Meeting.objects.values_list("mentorship_id", flat=True).distinct()[: count // 2])
    start = timezone.now() + timedelta(minutes=30)
    Meeting.objects.bulk_create(
        Meeting(mentorship_id=pk, start=start, uid=f"{uuid.uuid4()}@bench") for pk in pairs
    )
    sink = Sink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    env = os.environ | {
        "DATABASE_URL": db_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.server_address[1]}",
        "LOG_LEVEL": "WARNING",
    }
    log = tmp / "worker.log"
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "mentoring", "worker", *pool,
            "--without-heartbeat", "--without-gossip", "--without-mingle",
            f"--queues={queue}", f"--hostname={queue}@%h", "--loglevel=WARNING",
        ],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        time.sleep(4)  # let the worker connect before the clock starts
        started = time.perf_counter()
        result = notifications_scan()
        connection.close()
        deadline = time.monotonic() + 600
        while sink.received < result.enqueued and time.monotonic() < deadline:
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(30)
        sink.shutdown()
    sent = Dispatch.objects.filter(status="sent").exclude(occurrence="bench").count()
    print(f"  enqueued {result.enqueued}, sink received {sink.received}, rows sent {sent}")
    if sink.received < result.enqueued:
        print(log.read_text()[-3000:])
    return sink.received / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=5_000)
    parser.add_argument("--history", type=int, default=200_000, help="sent outbox rows")
    parser.add_argument("--send", type=int, default=2_000, help="messages for the send rate")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        db_url, drop = throwaway_database(tmp)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
                "DATABASE_URL": db_url,
                "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "0123456789" * 4,
                "NOTES_ENCRYPTION_KEYS": "YmVuY2htYXJrLW9ubHkta2V5LW5vdC1mb3ItdXNlLTA=",
                "VAR_DIR": str(tmp / "var"),
                "LOG_LEVEL": "WARNING",
            }
        )
        try:
            import django

            django.setup()
            from django.core.management import call_command
            from django.db import connection

            call_command("migrate", verbosity=0)
            print(f"database: {connection.vendor}")
            populate(args.meetings, args.pairs, args.history)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print("due scan (best of runs):")
            for name, seconds in measure_scan().items():
                verdict = "ok" if seconds < 1 else "SLOW"
                print(f"  {name:42s} {seconds * 1000:8.1f} ms  {verdict}")
            for label, pool in (
                ("solo pool, 1 process", ["--pool=solo"]),
                ("prefork, 2 processes (as in the Procfile)", ["--concurrency=2"]),
            ):
                print(f"send, one worker ({label}):")
                rate = measure_send(args.send, tmp, db_url, pool)
                verdict = "ok" if rate >= 100 else "SLOW"
                print(f"  rate to a local SMTP sink: {rate:.0f} msg/s  {verdict}")
        finally:
            drop()


if __name__ == "__main__":
    main()
