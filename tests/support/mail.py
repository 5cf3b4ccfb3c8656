"""A mail server that misbehaves, for tests of what the outbox does about it."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


def refuse_mail_to(monkeypatch, address: str) -> None:
    """The mail server refuses `address` for good (550); everything else goes out."""
    real_send = EmailBackend.send_messages

    def refuse(self, messages):
        if messages[0].to == [address]:
            raise smtplib.SMTPRecipientsRefused({address: (550, b"no such user")})
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)


def drop_connection_once(monkeypatch) -> None:
    """The mail server drops the connection once, then works."""
    real_send = EmailBackend.send_messages
    failures = iter([smtplib.SMTPServerDisconnected("gone")])

    def flaky(self, messages):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
