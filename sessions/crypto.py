"""Encryption at rest for private notes: MultiFernet over settings.NOTES_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts. Rotating = prepend a new key, then run
`manage.py rotate_note_keys`, which re-encrypts every note with the first key."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableNote(Exception):
    """Encrypted under a key that is no longer in NOTES_ENCRYPTION_KEYS (or damaged)."""


@cache  # keyed by the keys themselves, so a changed setting takes effect at once
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.NOTES_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableNote from None


def rotate(token: str) -> str:
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableNote from None
