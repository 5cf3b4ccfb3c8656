from __future__ import annotations

import contextlib
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

from celery import current_app as celery_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_LOGINS, demo_login_lines

# How long the task queue must stay empty before the start-up work counts as done: the worker
# is then between tasks, not about to print another batch of mail to the console.
QUIET_SECONDS = 2.0
POLL_SECONDS = 0.25

T = TypeVar("T")


class Command(BaseCommand):
    help = (
        "Wait until the site answers on WEB_HOST:WEB_PORT, a worker answers and the tasks queued "
        "at start-up are done, then print the address and the demo logins. `make run` starts "
        "it beside web, worker and beat, so that this comes last instead of scrolling away."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--timeout", type=float, default=120, help="seconds to wait for all of it (120)"
        )
        parser.add_argument(
            "--stay",
            action="store_true",
            help="keep running once printed: honcho stops every process when one ends",
        )

    def handle(self, *args: object, timeout: float, stay: bool, **options: object) -> None:
        address = f"http://{settings.WEB_HOST}:{settings.WEB_PORT}/"
        deadline = time.monotonic() + timeout
        status = wait_until(lambda: site_status(f"{address}healthz"), deadline)
        if status is None:
            raise CommandError(f"The site did not answer at {address} within {timeout:g} s.")
        lines = ["", f"{settings.SITE_NAME} is up: open {address}"]
        if status != 200:
            lines.append(f"  /healthz answers {status}: the database or the broker is not ready.")
        if not wait_until(worker_answers, deadline):
            lines.append("  No Celery worker answered yet: emails wait until one does.")
        elif not wait_until(queue_stayed_empty(), deadline):
            lines.append("  The worker is still busy with the tasks queued at start-up.")
        if address.rstrip("/") != settings.SITE_URL:
            lines.append(f"  Links in emails point to {settings.SITE_URL} (SITE_URL).")
        if get_user_model().objects.filter(email=DEMO_LOGINS[0].email).exists():
            lines += ["", *demo_login_lines()]
        lines += ["", "Ctrl-C stops web, worker and beat.", ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
        if stay:
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()


def wait_until(check: Callable[[], T], deadline: float) -> T | None:
    """The first truthy result of `check`, or None once the deadline has passed."""
    while True:
        result = check()
        if result or time.monotonic() >= deadline:
            return result or None
        time.sleep(POLL_SECONDS)


def site_status(url: str) -> int | None:
    """The HTTP status `url` answers with (a 503 still means the server is up), or None."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own address
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def worker_answers() -> bool:
    try:
        return bool(celery_app.control.ping(timeout=1))
    except Exception:  # the broker is not there yet
        return False


def queued_tasks() -> int | None:
    """Messages waiting in the default queue, or None if the broker cannot say."""
    try:
        with celery_app.connection_for_write() as connection:
            declared = connection.default_channel.queue_declare(
                queue=celery_app.conf.task_default_queue, passive=True
            )
        return declared.message_count
    except Exception:
        return None


def queue_stayed_empty() -> Callable[[], bool]:
    """A check that turns true once the queue has been empty for QUIET_SECONDS."""
    empty_since: float | None = None

    def check() -> bool:
        nonlocal empty_since
        waiting = queued_tasks()
        if waiting is None:
            return True  # a broker that cannot count is not waited for
        if waiting:
            empty_since = None
            return False
        empty_since = empty_since or time.monotonic()
        return time.monotonic() - empty_since >= QUIET_SECONDS

    return check
