from __future__ import annotations

from sessions import crypto
from sessions.models import PrivateNote, SessionLog


def private_note_body(*, session: SessionLog, reader) -> str:
    """The reader's own private note on the session, decrypted; never anyone else's."""
    if reader is None:
        return ""
    note = PrivateNote.objects.filter(session=session, author=reader).only("ciphertext").first()
    return crypto.decrypt(note.ciphertext) if note else ""


def private_note_authored(*, sessions, reader) -> set[int]:
    """Ids of the sessions on which the reader has written a private note (no decryption)."""
    if reader is None:
        return set()
    return set(
        PrivateNote.objects.filter(session__in=sessions, author=reader).values_list(
            "session_id", flat=True
        )
    )
