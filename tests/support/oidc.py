"""A real OpenID Connect provider in a process of its own, for the single sign-on tests.

django-oauth-toolkit's OIDC support in a tiny Django project (tests/support/oidc_provider/),
with its own SQLite database and an RS256 key generated at start, served by gunicorn on a free
port of 127.0.0.1 (the site under test runs on localhost, so their cookies never mix).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.served import ROOT, GunicornProcess, free_port


@dataclass(frozen=True)
class ProviderPerson:
    username: str
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


def private_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class OidcProvider:
    redirect_uris: list[str]
    people: list[ProviderPerson]
    client_id: str = "mentoring-site"
    client_secret: str = "test-client-secret-0123456789"
    port: int = field(default_factory=free_port)
    folder: tempfile.TemporaryDirectory = field(default_factory=tempfile.TemporaryDirectory)
    server: GunicornProcess | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/o"

    def start(self) -> OidcProvider:
        env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.support.oidc_provider.settings",
            "OIDC_PROVIDER_DB": str(Path(self.folder.name) / "provider.sqlite3"),
            "OIDC_PROVIDER_RSA_KEY": private_key_pem(private_key()),
        }
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
        self.server = GunicornProcess(
            "tests.support.oidc_provider.wsgi",
            port=self.port,
            env=env,
            log=Path(self.folder.name) / "provider.log",
        ).start(ready_url=f"{self.issuer}/.well-known/openid-configuration")
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()
        self.folder.cleanup()
