"""Real Celery worker processes for tests that must cross a process boundary."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    """`celery worker` in its own process, listening on a queue of its own so that a
    developer's running worker never steals the test's tasks."""

    def __init__(self, *, env: dict[str, str] | None = None, queue: str | None = None) -> None:
        self.queue = queue or f"test-{uuid.uuid4().hex[:8]}"
        self.env = os.environ | {"DJANGO_SETTINGS_MODULE": "mentoring.settings.test"} | (env or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.gettempdir()) / f"celery-{self.queue}.log"

    def start(self) -> WorkerProcess:
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "mentoring", "worker",
                "--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
                f"--queues={self.queue}", f"--hostname={self.queue}@%h", "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to finish or acknowledge anything."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_private_worker(env: dict[str, str], log: Path) -> WorkerProcess:
    """A worker on the test's private Redis, which has no other consumers: the default queue
    is the test's alone."""
    worker = WorkerProcess(env=env, queue="celery")
    worker.log = log
    return worker.start()


def run_manage(env: dict[str, str], command: str) -> str:
    """One `manage.py COMMAND` in its own process (a beat tick, say); its output."""
    done = subprocess.run(
        [sys.executable, "manage.py", command],
        cwd=ROOT, env=os.environ | env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout
