"""A WSGI app of the tests' own (an identity provider) served by gunicorn on a free port of
127.0.0.1, in a process of its own, until stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.workers import ROOT, WorkerProcess


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornProcess(WorkerProcess):
    """Stopped, killed and read like a worker process."""

    def __init__(self, app: str, *, port: int, env: dict[str, str], log: Path) -> None:
        self.app, self.port, self.env, self.log = app, port, env, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, ready_url: str) -> GunicornProcess:
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                "--workers", "1", "--threads", "4", "--no-control-socket", self.app,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.app} did not start:\n{self.output()}")
