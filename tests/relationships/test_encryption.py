from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mentoring.settings.env import env_fernet_keys
from programs.models import MeetingFormat
from sessions.models import PrivateNote
from sessions.selectors import private_note_body
from sessions.services import session_log

PLAINTEXT = "my-secret-worry-about-the-reorg-7f3a"


def _raw_ciphertexts() -> list[str]:
    table = PrivateNote._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ciphertext FROM {table}")  # noqa: S608 - our own table name
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def session(active_mentorship, mentor):
    return session_log(
        mentorship=active_mentorship,
        person=mentor,
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        duration_minutes=30,
        format=MeetingFormat.VIDEO,
        private_note=PLAINTEXT,
    )


def test_the_raw_database_column_does_not_contain_the_private_note(session):
    [raw] = _raw_ciphertexts()
    assert PLAINTEXT not in raw
    assert "reorg" not in raw
    assert raw.startswith("gAAAA")  # a Fernet token


def test_rotation_reencrypts_with_the_new_first_key(session, mentor, settings):
    before = _raw_ciphertexts()[0]
    new_key = Fernet.generate_key().decode()
    settings.NOTES_ENCRYPTION_KEYS = [new_key, *settings.NOTES_ENCRYPTION_KEYS]
    out = io.StringIO()
    call_command("rotate_note_keys", stdout=out)
    assert "Re-encrypted 1 private note." in out.getvalue()
    after = _raw_ciphertexts()[0]
    assert after != before
    Fernet(new_key).decrypt(after.encode())  # readable with the new key alone
    settings.NOTES_ENCRYPTION_KEYS = [new_key]  # the old key can now be dropped
    assert private_note_body(session=session, reader=mentor) == PLAINTEXT


def test_keys_come_from_the_environment(monkeypatch):
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("NOTES_ENCRYPTION_KEYS", f" {key} ,")
    assert env_fernet_keys("NOTES_ENCRYPTION_KEYS", secret_key="x", development=False) == [key]


def test_debug_derives_a_development_key_when_unset(monkeypatch):
    monkeypatch.delenv("NOTES_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("NOTES_ENCRYPTION_KEYS_FILE", raising=False)
    [key] = env_fernet_keys("NOTES_ENCRYPTION_KEYS", secret_key="dev", development=True)
    Fernet(key)
    assert env_fernet_keys("NOTES_ENCRYPTION_KEYS", secret_key="dev", development=True) == [key]


@pytest.mark.parametrize("value", [None, "not-a-key", "  ,  "])
def test_without_debug_a_missing_or_malformed_key_stops_the_process(monkeypatch, value):
    monkeypatch.delenv("NOTES_ENCRYPTION_KEYS_FILE", raising=False)
    if value is None:
        monkeypatch.delenv("NOTES_ENCRYPTION_KEYS", raising=False)
    else:
        monkeypatch.setenv("NOTES_ENCRYPTION_KEYS", value)
    with pytest.raises(ImproperlyConfigured, match="NOTES_ENCRYPTION_KEYS"):
        env_fernet_keys("NOTES_ENCRYPTION_KEYS", secret_key="x", development=False)


def test_production_refuses_to_start_without_note_keys():
    root = Path(__file__).resolve().parents[2]
    from tests.test_settings import PRODUCTION_ENV

    dropped = {"DEBUG", "DJANGO_SECRET_KEY", "NOTES_ENCRYPTION_KEYS", "NOTES_ENCRYPTION_KEYS_FILE"}
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    production = {k: v for k, v in PRODUCTION_ENV.items() if k != "NOTES_ENCRYPTION_KEYS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env=inherited | production | {"DJANGO_SETTINGS_MODULE": "mentoring.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "NOTES_ENCRYPTION_KEYS must be set" in result.stderr


def test_a_note_under_a_key_no_longer_configured_says_so_instead_of_failing(
    session, mentor, settings, client, caplog
):
    settings.NOTES_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the old key is gone
    client.force_login(mentor.user)
    with caplog.at_level("WARNING", logger="sessions.selectors"):
        page = client.get(session.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "This note cannot be read with the current keys" in html
    assert 'id="note-unreadable"' in html
    note = PrivateNote.objects.get()
    assert f"Private note {note.pk} cannot be decrypted" in caplog.text
    assert PLAINTEXT not in caplog.text
    # Rotation leaves it as it is rather than stopping halfway.
    before = _raw_ciphertexts()
    out = io.StringIO()
    call_command("rotate_note_keys", stdout=out)
    assert _raw_ciphertexts() == before
