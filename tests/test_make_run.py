"""`make run`: WEB_HOST and WEB_PORT decide where the server listens and what is announced, and
the address and demo logins come last, once web, worker and the start-up tasks are done."""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.demo import DEMO_LOGINS, DEMO_PASSWORD
from portal.management.commands import announce_ready

ROOT = Path(__file__).resolve().parents[1]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def expand(command: str, env: dict[str, str]) -> str:
    """The command as honcho's shell runs it."""
    return subprocess.run(
        ["sh", "-c", f'echo "{command}"'], env=os.environ | env, capture_output=True, text=True
    ).stdout.strip()


def test_the_server_binds_to_web_host_and_web_port():
    web = procfile()["web"]
    assert expand(web, {"WEB_HOST": "", "WEB_PORT": ""}).endswith("runserver 127.0.0.1:8000")
    changed = expand(web, {"WEB_HOST": "localhost", "WEB_PORT": "8123"})
    assert changed.endswith("runserver localhost:8123")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_announces_no_address_of_its_own():
    # The address comes from the running site (see below); make knows nothing of .env.
    dry = subprocess.run(
        ["make", "-n", "run", "WEB_PORT=8123"], cwd=ROOT, capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    assert "honcho start" in dry.stdout
    assert "8000" not in dry.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """A stand-in for runserver that listens only once `start` is called."""

    def __init__(self, port: int, status: int = 200) -> None:
        self.port, self.status = port, status
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        status = self.status

        class Healthz(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(status if self.path == "/healthz" else 404)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Healthz)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def site(settings):
    settings.WEB_HOST, settings.WEB_PORT = "127.0.0.1", free_port()
    settings.SITE_URL = f"http://127.0.0.1:{settings.WEB_PORT}"
    site = Site(settings.WEB_PORT)
    yield site
    site.stop()


class StampedOutput(io.StringIO):
    """Remembers when the first text was written."""

    first_write: float | None = None

    def write(self, text: str) -> int:
        if text and self.first_write is None:
            self.first_write = time.monotonic()
        return super().write(text)


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(announce_ready, "POLL_SECONDS", 0.02)
    monkeypatch.setattr(announce_ready, "QUIET_SECONDS", 0.3)


def test_the_address_and_logins_come_after_the_site_the_worker_and_the_start_up_tasks(
    site, fast, monkeypatch, make_user
):
    make_user(email=DEMO_LOGINS[0].email)
    worker_up = threading.Event()
    queued = [40]  # what seed_demo left for the worker
    monkeypatch.setattr(announce_ready, "worker_answers", worker_up.is_set)
    monkeypatch.setattr(announce_ready, "queued_tasks", lambda: queued[0])
    ready: dict[str, float] = {}

    def start_up() -> None:
        time.sleep(0.3)
        site.start()
        ready["site"] = time.monotonic()
        time.sleep(0.3)
        worker_up.set()
        ready["worker"] = time.monotonic()
        time.sleep(0.3)
        queued[0] = 0
        ready["queue"] = time.monotonic()

    out = StampedOutput()
    threading.Thread(target=start_up, daemon=True).start()
    call_command("announce_ready", "--timeout", "20", stdout=out)

    assert set(ready) == {"site", "worker", "queue"}
    assert out.first_write > ready["queue"] + 0.3 > ready["worker"] > ready["site"]
    text = out.getvalue()
    address = f"open http://127.0.0.1:{site.port}/"
    assert address in text
    assert text.index(address) < text.index(f"password for all: {DEMO_PASSWORD}")
    assert all(login.email in text for login in DEMO_LOGINS)
    assert "Links in emails" not in text  # SITE_URL is this address


def test_what_is_not_ready_is_said_and_no_logins_without_the_demo(
    site, fast, monkeypatch, settings, db
):
    site.status = 503
    site.start()
    settings.SITE_URL = "https://mentoring.example.org"
    monkeypatch.setattr(announce_ready, "worker_answers", lambda: False)
    out = io.StringIO()

    call_command("announce_ready", "--timeout", "0.5", stdout=out)

    text = out.getvalue()
    assert f"open http://127.0.0.1:{site.port}/" in text
    assert "/healthz answers 503" in text
    assert "No Celery worker answered yet" in text
    assert "Links in emails point to https://mentoring.example.org (SITE_URL)" in text
    assert "Demo logins" not in text


def test_a_site_that_never_answers_is_an_error(site, fast, db):
    with pytest.raises(CommandError, match=f"did not answer at http://127.0.0.1:{site.port}/"):
        call_command("announce_ready", "--timeout", "0.3", stdout=io.StringIO())
