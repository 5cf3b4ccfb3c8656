"""The sentinel crawl, seen from the audit log: after the planted notes, goals and sessions
are written and every role has crawled every page (downloads and report views included), no
audit entry carries any of their text."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from audit.models import AuditEvent
from relationships.services import mentorship_close
from tests.permissions import ANON, ROLES
from tests.relationships.test_privacy import (  # noqa: F401 - the shared sentinel fixture
    SENTINELS,
    crawl,
    known_urls,
    planted,
)

pytestmark = pytest.mark.django_db
CLOSE_COMMENT = "sentinel-close-comment-88aa"


def test_no_audit_entry_holds_content(planted):  # noqa: F811
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != ANON:
            client.force_login(planted["users"][role])
        crawl(client, known_urls(planted))
    mentorship_close(
        mentorship=planted["mentorship"],
        actor=planted["users"]["mentor"],
        reason="other",
        comment=CLOSE_COMMENT,
    )

    entries = list(AuditEvent.objects.values())
    assert {e["action"] for e in entries} >= {"sign_in", "pair_closed"}
    dumped = json.dumps(entries, default=str)
    for sentinel in (*SENTINELS, CLOSE_COMMENT):
        assert sentinel not in dumped
