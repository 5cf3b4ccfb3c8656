"""A pair's history names statuses as people read them, in their language, not by the codes
the program stores."""

from __future__ import annotations

from django.utils import translation

from relationships.models import MentorshipEvent


def test_a_status_change_reads_with_the_statuses_labels():
    event = MentorshipEvent(from_status="proposed", to_status="closed")
    assert (event.from_label, event.to_label) == ("Proposed", "Closed early")
    with translation.override("de"):
        assert str(event.from_label) == "Vorgeschlagen"


def test_a_pairs_first_event_has_no_status_before():
    assert MentorshipEvent(from_status="", to_status="proposed").from_label == ""
