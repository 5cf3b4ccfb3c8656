"""Writing in a pair's thread, reading it, and reporting a message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations.messages import KIND_NEW_MESSAGES, KIND_REPORTED
from conversations.models import Message, MessageReport, ThreadRead
from core.errors import DomainError
from notifications.registry import Message as Mail
from notifications.registry import Planned, occurrence_stamp
from notifications.services import deliverable_at, dispatches_create_now, dispatches_schedule

BATCH = timedelta(minutes=15)


def batch_due(moment: datetime) -> datetime:
    """The first quarter-hour boundary (UTC, :00 :15 :30 :45) at or after `moment`.

    Every message about a thread to a recipient is due on a boundary and keyed by it, so the
    messages of one quarter hour share one outbox row (one email), and two emails about a
    thread are at least a quarter hour apart. Quiet hours move the due time to their end,
    rounded up to a boundary, so a night's messages share one row too."""
    moment = moment.astimezone(UTC)
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floor if floor == moment else floor + BATCH


@transaction.atomic
def message_send(*, mentorship, author, body: str) -> Message:
    if not mentorship.is_member(author):
        raise DomainError(_("Only the members of a pair write in its thread."))
    if mentorship.is_ended:
        raise DomainError(_("This mentorship has ended: its messages stay, but no new ones."))
    body = body.strip()
    if not body:
        raise DomainError(_("Write a message first."))
    message = Message.objects.create(mentorship=mentorship, author=author, body=body)
    thread_mark_read(mentorship=mentorship, person=author, up_to=message.pk)
    # The first boundary after now: a message written at 10:00:00 waits for 10:15, so a burst
    # that starts on the boundary is still one email.
    window_end = batch_due(message.created_at + timedelta(microseconds=1))
    planned = []
    for member in mentorship.members():
        if member.pk == author.pk:
            continue
        due = batch_due(deliverable_at(member.user, window_end))
        planned.append(
            Planned(
                KIND_NEW_MESSAGES,
                mentorship.pk,
                f"batch-{occurrence_stamp(due)}",
                member.user_id,
                due,
            )
        )
    dispatches_schedule(planned=planned)
    return message


def thread_mark_read(*, mentorship, person, up_to: int) -> None:
    """Read up to message `up_to`; a mark never moves back (an old tab polling)."""
    if not up_to:
        return
    updated = ThreadRead.objects.filter(
        mentorship=mentorship, person=person, last_read_id__lt=up_to
    ).update(last_read_id=up_to, updated_at=timezone.now())
    if not updated:
        ThreadRead.objects.bulk_create(
            [ThreadRead(mentorship=mentorship, person=person, last_read_id=up_to)],
            ignore_conflicts=True,
        )


@transaction.atomic
def message_report(*, message: Message, reporter, reason: str = "") -> MessageReport:
    """Share one message with the coordinators of the pair's program. Reporting twice keeps
    the first report."""
    if not message.mentorship.is_member(reporter):
        raise DomainError(_("Only the members of a pair report its messages."))
    if message.author_id == reporter.pk:
        raise DomainError(_("You cannot report your own message."))
    report, created = MessageReport.objects.get_or_create(
        message=message, reporter=reporter, defaults={"reason": reason.strip()}
    )
    if created:
        coordinators = message.mentorship.cohort.program.coordinators.values_list("pk", flat=True)
        dispatches_create_now(
            messages=[Mail(KIND_REPORTED, report.pk, "", user_id) for user_id in coordinators]
        )
    return report
