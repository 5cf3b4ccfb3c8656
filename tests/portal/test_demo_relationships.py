from __future__ import annotations

import io

import pytest

from portal.demo import MENTEE_EMAIL, MENTOR_EMAIL
from portal.demo import relationships as demo
from relationships.models import Mentorship
from relationships.selectors import with_activity
from sessions.models import PrivateNote, SessionLog
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory


@pytest.fixture
def autumn(db):
    cohort = CohortFactory(slug=demo.COHORT, status="active")
    emails = [MENTOR_EMAIL, "m2@example.org", "m3@example.org"]
    emails += [MENTEE_EMAIL, "e2@example.org", "e3@example.org"]
    for i, email in enumerate(emails):
        EnrolmentFactory(
            cohort=cohort,
            person=PersonFactory(user=UserFactory(email=email)),
            role="mentor" if i < 3 else "mentee",
            status="approved",
        )
    return cohort


def test_the_demo_has_active_pairs_sessions_and_one_stalled_pair(autumn):
    out = io.StringIO()
    demo.seed(out)
    pairs = list(with_activity(autumn.mentorships.all()))
    assert len(pairs) == 3
    assert {m.status for m in pairs} == {Mentorship.Status.ACTIVE}
    assert [m.is_stalled for m in pairs].count(True) == 1
    stalled = next(m for m in pairs if m.is_stalled)
    assert MENTOR_EMAIL not in {p.user.email for p in stalled.members()}
    assert all(m.goals_count == 2 and m.sessions_count >= 1 for m in pairs)
    assert max(m.sessions_count for m in pairs) >= 4
    assert PrivateNote.objects.exists()
    assert SessionLog.objects.filter(confirmed_at=None).exists()  # something to confirm
    assert autumn.program.closing_questions.count() == 3
    demo.seed(out)  # idempotent
    assert SessionLog.objects.count() == sum(m.sessions_count for m in pairs)
    assert "already" in out.getvalue()


def test_without_a_cohort_the_demo_skips(db):
    out = io.StringIO()
    demo.seed(out)
    assert "skipped" in out.getvalue()
