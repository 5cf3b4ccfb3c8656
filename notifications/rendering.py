"""Emails from the outbox: in the recipient's time zone, with absolute links, and with an
unsubscribe link for the message's category. Each email comes in three templates:
<name>_subject.txt, <name>_body.txt and <name>_body.html."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.emails import absolute_url
from notifications import registry
from notifications.models import Category, Dispatch
from notifications.tokens import unsubscribe_url


def zone_of(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def render_email(
    template: str, *, to: list[str], context: Mapping[str, object]
) -> EmailMultiAlternatives:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"{template}_body.html", context), "text/html")
    return message


def render_for(
    dispatch: Dispatch, template: str, context: Mapping[str, object]
) -> EmailMultiAlternatives:
    user = dispatch.recipient
    zone = zone_of(user)
    category = registry.KINDS[dispatch.kind].category
    full = {"recipient": user, "time_zone": zone.key, **context}
    if category is not None:
        full |= {
            "category_label": Category(category).label,
            "unsubscribe_url": unsubscribe_url(user.pk, category),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        }
    # Dates in the templates render in the recipient's zone, not the server's.
    with timezone.override(zone):
        return render_email(template, to=[user.email], context=full)


def link(name: str, args=(), *, fallback: str = "portal:dashboard", query: str = "") -> str:
    """An absolute link to a page of another app; the fallback keeps a message useful while
    that page does not exist yet."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path, query = reverse(fallback), ""
    return absolute_url(path + (f"?{query}" if query else ""))
