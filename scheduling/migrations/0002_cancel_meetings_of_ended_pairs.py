"""Pairs that ended before closing cancelled their meetings still have meetings planned.

Cancel those that have not started, as scheduling.services.meeting_cancel does (SEQUENCE + 1),
and put a cancellation for every member in the outbox: the next notifications scan sends
it, with its .ics, so the meeting leaves their calendars too."""

from django.db import migrations
from django.utils import timezone

ENDED = ("completed", "closed")


def cancel_meetings_of_ended_pairs(apps, schema_editor):
    Meeting = apps.get_model("scheduling", "Meeting")
    Dispatch = apps.get_model("notifications", "Dispatch")
    now = timezone.now()
    stale = Meeting.objects.filter(
        status="scheduled", start__gt=now, mentorship__status__in=ENDED
    ).select_related("mentorship__mentor")
    for meeting in stale:
        meeting.status = "cancelled"
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        mentorship = meeting.mentorship
        users = [mentorship.mentor.user_id, *mentorship.mentees.values_list("user_id", flat=True)]
        Dispatch.objects.bulk_create(
            [
                Dispatch(
                    kind="meeting_cancelled",
                    object_id=meeting.pk,
                    occurrence=f"seq{meeting.sequence}",
                    recipient_id=user_id,
                    due_at=now,
                )
                for user_id in dict.fromkeys(users)
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(cancel_meetings_of_ended_pairs, migrations.RunPython.noop),
    ]
