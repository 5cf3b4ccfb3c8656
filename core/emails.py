"""Emails come in three templates: <name>_subject.txt, <name>_body.txt and <name>_body.html."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def render_email(
    template: str, *, to: list[str], context: Mapping[str, object], headers=None
) -> EmailMultiAlternatives:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=dict(headers or {}),
    )
    message.attach_alternative(render_to_string(f"{template}_body.html", context), "text/html")
    return message


def send_email(template: str, *, to: list[str], context: Mapping[str, object]) -> None:
    render_email(template, to=to, context=context).send()
