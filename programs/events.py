"""The events programs sends to webhooks (notifications.webhooks): ids, roles and states only."""

from __future__ import annotations

from collections.abc import Mapping

from notifications.models import WebhookEvent
from notifications.services import webhooks_emit
from programs.models import Cohort, Enrolment


def enrolments_created(*, cohort: Cohort, enrolments: Mapping[str, Enrolment]) -> None:
    """`enrolments`: the new enrolments by their person's email."""
    webhooks_emit(
        event=WebhookEvent.ENROLMENT_CREATED,
        items=[
            (
                enrolment.pk,
                {
                    "enrolment": enrolment.pk,
                    "program": cohort.program.slug,
                    "cohort": cohort.slug,
                    "email": email,
                    "role": enrolment.role,
                    "status": enrolment.status,
                },
            )
            for email, enrolment in enrolments.items()
        ],
    )
