"""A Redis of the test's own, and the environment real worker processes run with.

For the tests that stop, kill or freeze the broker: they must never touch the Redis a
developer (or another test run) is using. The fixtures are in tests/conftest.py."""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

import mentoring.settings.base
from mentoring.celery import app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of our own, without persistence: killing it loses every queued task."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        """Gone: connections are refused."""
        self.resume()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def freeze(self) -> None:
        """Stuck: connections are accepted (by the kernel) and nothing ever answers, as with a
        broker behind a dropped network path or a hung host."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)


def worker_env(*, redis_url: str, mail_dir: Path, var_dir: Path, claim_timeout: int) -> dict:
    """What worker and scan processes run with: production settings (no eager tasks), the
    test's database, the given Redis and the mail folder."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "NOTES_ENCRYPTION_KEYS": ",".join(settings.NOTES_ENCRYPTION_KEYS),
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute folder
        "NOTIFICATIONS_CLAIM_TIMEOUT": str(claim_timeout),
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "INFO",
    }


def production_settings(redis_url: str):
    """What mentoring/settings/base.py makes of REDIS_URL, read afresh (test.py overrides the
    cache and makes tasks eager)."""
    path = mentoring.settings.base.__file__
    spec = importlib.util.spec_from_file_location("private_redis_settings", path)
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REDIS_URL", redis_url)
        spec.loader.exec_module(module)
    return module


@contextmanager
def celery_publishing_to(production) -> Iterator[None]:
    """This process's Celery app as production configures it (`production_settings`): tasks
    go to that Redis for a real worker instead of running eagerly here."""
    celery = {
        name.removeprefix("CELERY_").lower(): value
        for name, value in vars(production).items()
        # Not the result store: pages keep no results, and Celery caches it per thread.
        if name.startswith("CELERY_") and not name.startswith("CELERY_RESULT_")
    } | {"task_always_eager": False}
    before = {name: app.conf.get(name) for name in celery}
    app.conf.update(celery)
    forget_connections()
    try:
        yield
    finally:
        forget_connections()
        app.conf.update(before)


def forget_connections() -> None:
    """Celery keeps one connection pool per process; the broker URL just changed. (Not
    closed: kombu shares pools between apps, and a closed one would fail later tests.)"""
    app._pool = None
    app.amqp._producer_pool = None
