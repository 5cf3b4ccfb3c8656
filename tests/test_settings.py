from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "mentoring.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_URL": "smtp://mail.example.org:25",
    "SITE_URL": "https://mentoring.example.org",
    "NOTES_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1vbmx5LWtleS0wMTIzNDU=",
}


def run_manage(*args: str, env: dict[str, str], settings: str) -> subprocess.CompletedProcess:
    inherited = {"DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in inherited}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": settings} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env=PRODUCTION_ENV, settings="mentoring.settings.production",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql-ish://nowhere"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("DATABASE_CONN_MAX_AGE", "forever"),
        ("SITE_URL", "ftp://example.org"),
        ("NOTES_ENCRYPTION_KEYS", "not-a-fernet-key"),
    ],
)
def test_a_malformed_setting_stops_the_process_and_names_the_variable(name, value):
    env = PRODUCTION_ENV | {"DATABASE_URL": "postgres://u@127.0.0.1/db", name: value}
    result = run_manage("check", env=env, settings="mentoring.settings.production")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env=env, settings="mentoring.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
