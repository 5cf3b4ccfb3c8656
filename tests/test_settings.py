from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mentoring.settings.env import DEVELOPMENT_SECRET_KEY, development_notes_key

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
    inherited = {
        "DEBUG", "DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE", "NOTES_ENCRYPTION_KEYS",
        "NOTES_ENCRYPTION_KEYS_FILE", "TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER",
        "VAR_DIR", "DJANGO_ALLOW_ASYNC_UNSAFE",
    }  # fmt: skip
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
        ("WEB_PORT", "eighty"),
        ("WEB_PORT", "70000"),
        ("NOTES_ENCRYPTION_KEYS", "not-a-fernet-key"),
        ("TRUSTED_PROXY_COUNT", "two"),
        ("TRUSTED_PROXY_COUNT", "-1"),
        ("TRUSTED_CLIENT_IP_HEADER", "X Real IP"),
        ("LOG_LEVEL", "LOUD"),
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


@pytest.mark.parametrize("debug", ["1", "0"])
@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"DJANGO_SECRET_KEY", "NOTES_ENCRYPTION_KEYS"}, "DJANGO_SECRET_KEY must be set"),
        ({"NOTES_ENCRYPTION_KEYS"}, "NOTES_ENCRYPTION_KEYS must be set"),
    ],
)
def test_production_refuses_to_start_without_real_keys_whatever_debug_says(debug, missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in missing} | {"DEBUG": debug}
    result = run_manage("check", env=env, settings="mentoring.settings.production")
    assert result.returncode != 0, result.stdout
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY),
        ("NOTES_ENCRYPTION_KEYS", development_notes_key(DEVELOPMENT_SECRET_KEY)),
    ],
)
def test_production_refuses_the_published_development_keys(name, published):
    env = PRODUCTION_ENV | {"DEBUG": "1", name: published}
    result = run_manage("check", env=env, settings="mentoring.settings.production")
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name}" in result.stderr
    assert "development key" in result.stderr


def test_development_starts_without_keys_with_debug_on(tmp_path):
    """What `make run` does: DEBUG=1, no keys, the development settings."""
    env = {"DEBUG": "1", "VAR_DIR": str(tmp_path / "var")}
    result = run_manage("check", env=env, settings="mentoring.settings.base")
    assert result.returncode == 0, result.stderr


def test_reading_settings_creates_nothing_on_disk(tmp_path):
    var = tmp_path / "var"
    # No REDIS_URL or DATABASE_URL: the file broker and SQLite, all in VAR_DIR.
    env = {"DEBUG": "1", "VAR_DIR": str(var), "REDIS_URL": "", "DATABASE_URL": ""}
    result = run_manage("diffsettings", env=env, settings="mentoring.settings.base")
    assert result.returncode == 0, result.stderr
    assert str(var / "broker") in result.stdout
    assert not var.exists()


def test_the_file_broker_makes_its_folders_when_a_task_is_first_sent(tmp_path):
    var = tmp_path / "var"
    env = {"DEBUG": "1", "VAR_DIR": str(var), "REDIS_URL": ""}
    send = "from core.tasks import ping; ping.delay('hello')"
    result = run_manage("shell", "-c", send, env=env, settings="mentoring.settings.base")
    assert result.returncode == 0, result.stderr
    assert list((var / "broker" / "queue").glob("*.msg"))
    assert (var / "broker" / "results").is_dir()


# The address allauth's sign-in rate limits count, for a request that came through one proxy
# (10.0.0.2) which appended the client's address to X-Forwarded-For and set X-Real-IP.
CLIENT_ADDRESS = (
    "from django.test import RequestFactory; "
    "from allauth.account.adapter import get_adapter; "
    "request = RequestFactory().post('/accounts/login/', REMOTE_ADDR='10.0.0.2', "
    "HTTP_X_FORWARDED_FOR='192.0.2.66, 203.0.113.7', HTTP_X_REAL_IP='198.51.100.9'); "
    "print(get_adapter().get_client_ip(request))"
)


@pytest.mark.parametrize(
    ("setting", "client"),
    [
        ({}, "10.0.0.2"),  # direct: X-Forwarded-For could be anything the client likes
        ({"TRUSTED_PROXY_COUNT": "1"}, "203.0.113.7"),  # what our proxy appended, not 192.0.2.66
        ({"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "198.51.100.9"),
    ],
)
def test_the_client_address_for_rate_limits_comes_from_the_proxy_setting(setting, client):
    env = PRODUCTION_ENV | setting
    result = run_manage(
        "shell", "-c", CLIENT_ADDRESS, env=env, settings="mentoring.settings.production"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == client


def test_two_ways_of_finding_the_client_address_stop_the_process():
    env = PRODUCTION_ENV | {"TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}
    result = run_manage("check", env=env, settings="mentoring.settings.production")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER" in result.stderr


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"WEB_PORT": "8123"}, "http://127.0.0.1:8123"),
        ({"WEB_HOST": "localhost", "WEB_PORT": "8123"}, "http://localhost:8123"),
        ({"WEB_PORT": "8123", "SITE_URL": "https://mentoring.example.org/"},
         "https://mentoring.example.org"),
    ],
)  # fmt: skip
def test_links_in_emails_follow_web_port_unless_site_url_is_set(env, site_url):
    unset = {"SITE_URL": "", "WEB_HOST": "", "WEB_PORT": ""}
    result = run_manage(
        "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SITE_URL)",
        env={"DEBUG": "1"} | unset | env, settings="mentoring.settings.base",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == site_url
