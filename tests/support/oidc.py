"""A real OpenID Connect provider in a process of its own, for the single sign-on tests.

django-oauth-toolkit's OIDC support in a tiny Django project (tests/support/oidc_provider/),
with its own SQLite database and an RS256 key generated at start, served by gunicorn on a free
port of 127.0.0.1 (the site under test runs on localhost, so their cookies never mix).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class ProviderPerson:
    username: str
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


@dataclass
class OidcProvider:
    redirect_uris: list[str]
    people: list[ProviderPerson]
    client_id: str = "mentoring-site"
    client_secret: str = "test-client-secret-0123456789"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    folder: tempfile.TemporaryDirectory = field(default_factory=tempfile.TemporaryDirectory)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    @property
    def log(self) -> Path:
        return Path(self.folder.name) / "provider.log"

    def _env(self) -> dict[str, str]:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.support.oidc_provider.settings",
            "OIDC_PROVIDER_DB": str(Path(self.folder.name) / "provider.sqlite3"),
            "OIDC_PROVIDER_RSA_KEY": pem,
        }

    def start(self) -> OidcProvider:
        env = self._env()
        run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "timeout": 120}
        subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput"], **run)
        seed = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": self.redirect_uris,
            "people": [person.__dict__ for person in self.people],
        }
        subprocess.run(
            [sys.executable, "-m", "tests.support.oidc_provider.seed"],
            input=json.dumps(seed).encode(),
            **run,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                "--workers", "1", "--threads", "4", "--no-control-socket",
                "tests.support.oidc_provider.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self._wait_until_answering()
        return self

    def _wait_until_answering(self) -> None:
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(discovery, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the test identity provider did not start:\n{self.output()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""
