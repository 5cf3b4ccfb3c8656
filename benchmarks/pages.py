"""Throughput of the key pages against a bare Django page, served by gunicorn on PostgreSQL.

    DATABASE_URL=postgres://user@host:5432/mentoring python benchmarks/pages.py \
        [--requests 100] [--rounds 3] [--keep]

Creates a throwaway database next to DATABASE_URL's (`<name>_bench_pages`, never that database
itself), migrates it, loads the demo (`manage.py seed_demo`) and drops it afterwards (unless
--keep). The app runs under gunicorn with one sync worker, DEBUG off and a throwaway secret key
and notes key made for this run, with benchmarks/pages_settings.py, whose URLconf adds a bare
page (50 ORM rows through a plain template) to the product's URLs.

Each page is fetched by a client in this script with a signed-in session cookie for the role
that uses it: a fixed number of sequential requests, in rounds that go through every page side
by side; each page keeps its best round. Query counts come separately, in this process, from
Django's test client with CaptureQueriesContext: the second request (the first fills caches),
then one after a write.

The key pages cache their parts under the data version (core/fragments.py), so the rounds above
measure a page read again. Each page is then fetched again right after the data version was
raised (as any write raises it), so that every part is computed: "after a write", the mean of
--cold requests a round, best round.

Printed per page: ms per request, requests/s, throughput as a share of the bare page's, ms
after a write, queries (read again, and after a write).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch_db import drop_database, scratch_database  # noqa: E402

DB_NAME = "bench_pages"
HOST = "127.0.0.1"


@dataclass
class Page:
    name: str
    path: str
    role: str  # the demo login whose session cookie fetches it
    queries: int = 0
    cold_queries: int = 0  # after a write
    seconds: float = float("inf")  # best round's total
    cold_seconds: float = float("inf")  # best round's total, each request after a write


def benchmark_environment(url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.pages_settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        # Made for this run and gone with its database: nothing here signs anything real.
        "DJANGO_SECRET_KEY": f"benchmark-only-{secrets.token_urlsafe(40)}",
        "NOTES_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": f"{HOST},testserver",
        "TWO_FACTOR_REQUIRED": "0",
    }


def prepare() -> tuple[list[Page], dict[str, str]]:
    """Migrate, load the demo, pick each page's object; return the pages and session cookies."""
    import django

    # Nothing here serves static files; whitenoise's note that STATIC_ROOT is missing is noise.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.demo import COORDINATOR_EMAIL, HR_EMAIL, MENTEE_EMAIL, MENTOR_EMAIL
    from relationships.models import Mentorship

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  migrated and seeded the demo in {time.perf_counter() - started:.1f} s", flush=True)

    emails = {
        "coordinator": COORDINATOR_EMAIL,
        "mentor": MENTOR_EMAIL,
        "mentee": MENTEE_EMAIL,
        "HR": HR_EMAIL,
    }
    pair = (
        Mentorship.objects.filter(mentor__user__email=MENTOR_EMAIL, status="active")
        .order_by("pk")
        .first()
    )
    busiest = (
        Mentorship.objects.values("cohort__slug")
        .annotate(pairs=Count("pk"))
        .order_by("-pairs", "cohort__slug")
        .first()
    )
    cohort = busiest["cohort__slug"]
    pages = [
        Page("bare page (50 rows)", "/benchmark/bare/", "coordinator"),
        Page("pair page (mentor)", f"/mentorships/{pair.pk}/", "mentor"),
        Page("cohort page", f"/cohorts/{cohort}/", "coordinator"),
        Page("relationship health", f"/cohorts/{cohort}/relationships/", "coordinator"),
        Page("HR report", "/reports/", "HR"),
        *(Page(f"{role} dashboard", "/dashboard/", role) for role in emails),
    ]

    User = get_user_model()
    clients, cookies = {}, {}
    for role, email in emails.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[role] = client
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        cookies[role] = f"{session.key}={session.value}"
    for page in pages:
        client = clients[page.role]
        client.get(page.path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.path)
        if response.status_code != 200:
            sys.exit(f"{page.name}: {page.path} answered {response.status_code} in-process")
        page.queries = len(captured.captured_queries)
        raise_data_version()
        with CaptureQueriesContext(connection) as captured:
            client.get(page.path)
        page.cold_queries = len(captured.captured_queries)
    connection.close()
    return pages, cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before it answered")
        try:
            if fetch(port, "/healthz", "") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def measure(
    pages: list[Page], cookies: dict[str, str], port: int, args: argparse.Namespace
) -> None:
    for page in pages:  # warm up: templates compiled, connections open
        for _ in range(5):
            status = fetch(port, page.path, cookies[page.role])
            if status != 200:
                sys.exit(f"{page.name}: {page.path} answered {status} under gunicorn")
    for _ in range(args.rounds):
        for page in pages:
            cookie = cookies[page.role]
            started = time.perf_counter()
            for _ in range(args.requests):
                if fetch(port, page.path, cookie) != 200:
                    sys.exit(f"{page.name}: {page.path} failed under gunicorn")
            page.seconds = min(page.seconds, time.perf_counter() - started)
    for _ in range(args.rounds):
        for page in pages:
            cookie, total = cookies[page.role], 0.0
            for _ in range(args.cold):
                raise_data_version()
                started = time.perf_counter()
                if fetch(port, page.path, cookie) != 200:
                    sys.exit(f"{page.name}: {page.path} failed under gunicorn")
                total += time.perf_counter() - started
            page.cold_seconds = min(page.cold_seconds, total)
    from django.db import connection

    connection.close()  # the scratch database is dropped next


def raise_data_version() -> None:
    """What any write does to the pages' cached parts: they are computed again."""
    from django.db import connection

    from reports.versioning import UPSERT

    with connection.cursor() as cursor:
        cursor.execute(UPSERT)


def report(pages: list[Page], args: argparse.Namespace) -> None:
    bare_rate = args.requests / pages[0].seconds
    print(
        f"\n{args.requests} sequential requests per round, best of {args.rounds} rounds, "
        "one gunicorn sync worker, DEBUG off\n"
    )
    print(
        f"{'page':<24} {'ms':>7} {'req/s':>8} {'% of bare':>10} {'after a write':>14}"
        f" {'queries':>8} {'after a write':>14}"
    )
    for page in pages:
        rate = args.requests / page.seconds
        print(
            f"{page.name:<24} {1000 * page.seconds / args.requests:>7.1f} {rate:>8.1f} "
            f"{100 * rate / bare_rate:>9.0f}% {1000 * page.cold_seconds / args.cold:>11.1f} ms"
            f" {page.queries:>8} {page.cold_queries:>14}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="Sequential requests a round.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--cold", type=int, default=20, help="Requests a round, each after a write."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        parser.error("set DATABASE_URL to a PostgreSQL server (postgres://user@host:5432/name)")
    name, url = scratch_database(base, DB_NAME)
    server = None
    try:
        print(f"database {name}", flush=True)
        environment = benchmark_environment(url)
        os.environ.update(environment)
        pages, cookies = prepare()
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "mentoring.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "1",
                "--chdir",
                str(ROOT),
            ],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_up(port, server)
        measure(pages, cookies, port, args)
        report(pages, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            drop_database(base, name)


if __name__ == "__main__":
    main()
