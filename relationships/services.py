from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from relationships.models import Mentorship, MentorshipEvent


@transaction.atomic
def mentorship_create(
    *,
    cohort,
    mentor,
    mentees: Sequence,
    source: str = Mentorship.Source.MATCHING,
    created_by=None,
) -> Mentorship:
    mentorship = Mentorship.objects.create(cohort=cohort, mentor=mentor, source=source)
    mentorship.mentees.set(mentees)
    MentorshipEvent.objects.create(
        mentorship=mentorship, actor=created_by, to_status=Mentorship.Status.PROPOSED
    )
    return mentorship
