"""The audit log holds no content: no entry carries the text of a note, goal, message or close
comment.

Every crawl of tests/relationships/test_privacy.py (each role, every page, download and report
view it reaches in the planted world) ends by checking the audit log for the planted text; here,
closing the pair with a comment, and signing in, write entries that hold none of it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from audit.models import AuditEvent
from relationships.services import mentorship_close
from tests.relationships.test_privacy import (  # noqa: F401 - the shared sentinel fixture
    SENTINELS,
    planted,
)

pytestmark = pytest.mark.django_db
CLOSE_COMMENT = "sentinel-close-comment-88aa"


def test_no_audit_entry_holds_content(planted):  # noqa: F811
    Client().force_login(planted["users"]["mentee"])
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
