"""Where sending meets the transport.

Every outbox message carries a Message-ID derived from its Dispatch row, so a message that is
handed over twice (a worker died after the hand-off but before it recorded the send) is the
same message twice: the file transport below keeps one copy of it, and mail systems that
de-duplicate on Message-ID do the same."""

from __future__ import annotations

import logging
import os
import re
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.backends import filebased

logger = logging.getLogger(__name__)


def message_id_for(dispatch_pk: int, kind: str) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<dispatch.{dispatch_pk}.{kind}@{domain}>"


class FileBackend(filebased.EmailBackend):
    """`EMAIL_URL=filemail://folder`: one .eml file per message, named by its Message-ID.

    The file appears whole or not at all (written aside, then hard-linked into place), and
    an existing file is never replaced, so a resend of the same message is a no-op. Workers,
    web and tests on one machine all see the same folder."""

    def open(self) -> bool:
        return False

    def close(self) -> None:
        return None

    def send_messages(self, email_messages) -> int:
        sent = 0
        for email in email_messages:
            message = email.message()
            name = re.sub(r"[^A-Za-z0-9._@+-]", "_", str(message["Message-ID"]).strip("<> "))
            final = os.path.join(self.file_path, f"{name}.eml")
            partial = os.path.join(self.file_path, f".{name}.{uuid.uuid4().hex}.partial")
            with open(partial, "wb") as stream:
                stream.write(message.as_bytes(linesep="\n"))
                stream.flush()
                os.fsync(stream.fileno())
            try:
                os.link(partial, final)
            except FileExistsError:
                logger.warning("duplicate delivery of %s suppressed", message["Message-ID"])
            finally:
                os.unlink(partial)
            sent += 1
        return sent
