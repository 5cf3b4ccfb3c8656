"""Tests: fast password hashing, mail kept in memory, tasks run in-process.

Tests that need the real worker, Redis or PostgreSQL are marked and run against the real
services (see tests/conftest.py); everything else stays quick.
"""

from __future__ import annotations

import os

# A key for tests only; base refuses to start without one when DEBUG is off.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
# Test-only Fernet keys for private notes (a second one to exercise rotation).
os.environ.setdefault(
    "NOTES_ENCRYPTION_KEYS",
    "dGVzdC1vbmx5LW5vdGVzLWtleS0xLW5vdC1mb3ItdXM=,dGVzdC1vbmx5LW5vdGVzLWtleS0yLW5vdC1mb3ItdXM=",
)

from mentoring.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Uploaded photos stay in memory: tests leave nothing on disk.
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}  # noqa: F405
