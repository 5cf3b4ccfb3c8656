from __future__ import annotations

import pytest

from tests.flash.builders import flash_event

pytestmark = pytest.mark.django_db


def test_builder_plans_every_round_without_repeats():
    world = flash_event(mentors=3, mentees=5, rounds=4)
    meetings = world.meetings()
    assert {m.round for m in meetings} == set(range(1, 5))
    pairs = [(m.mentee_id, m.mentor_id) for m in meetings]
    assert len(pairs) == len(set(pairs))
    assert world.plan.held_rounds == 0
