from __future__ import annotations

import logging

from sessions import crypto
from sessions.models import PrivateNote, SessionLog

logger = logging.getLogger(__name__)


def private_note_body(*, session: SessionLog, reader) -> str | None:
    """The reader's own private note on the session, decrypted; never anyone else's.

    None when the note cannot be read with the current keys (encrypted under a key since taken
    out of NOTES_ENCRYPTION_KEYS): the page says so instead of failing, and a warning is logged
    for whoever runs the install (the note's id only, never its content)."""
    if reader is None:
        return ""
    note = PrivateNote.objects.filter(session=session, author=reader).only("ciphertext").first()
    if note is None:
        return ""
    try:
        return crypto.decrypt(note.ciphertext)
    except crypto.UnreadableNote:
        logger.warning("Private note %s cannot be decrypted with the configured keys.", note.pk)
        return None


def private_note_authored(*, sessions, reader) -> set[int]:
    """Ids of the sessions on which the reader has written a private note (no decryption)."""
    if reader is None:
        return set()
    return set(
        PrivateNote.objects.filter(session__in=sessions, author=reader).values_list(
            "session_id", flat=True
        )
    )
