"""Before one log per pair and time was enforced, a double submit saved a session twice.

Merge each set of duplicates into its first log, losing nothing anyone wrote: goals and
topics are joined, shared notes and feedback that differ are appended, a person's second
rating of the same session is kept over the first (their latest word), private notes by the
same author are joined, and a confirmation on any copy carries over (as does the other side
logging the same session: that is a confirmation too). Then the copies go."""

from django.db import migrations
from django.db.models import Count

from sessions import crypto

SEPARATOR = "\n\n"


def _joined(first: str, second: str) -> str:
    first, second = first.strip(), second.strip()
    if not second or second in first:
        return first
    return f"{first}{SEPARATOR}{second}" if first else second


def _merge(keeper, copy, SessionRating, PrivateNote) -> None:
    keeper.goals_discussed.add(*copy.goals_discussed.all())
    keeper.topics = list(dict.fromkeys([*keeper.topics, *copy.topics]))
    keeper.shared_notes = _joined(keeper.shared_notes, copy.shared_notes)
    if keeper.confirmed_at is None and copy.confirmed_at is not None:
        keeper.confirmed_by_id = copy.confirmed_by_id
        keeper.confirmed_at = copy.confirmed_at
        keeper.corrected = copy.corrected
    elif keeper.confirmed_at is None and copy.logged_by_id not in (None, keeper.logged_by_id):
        keeper.confirmed_by_id = copy.logged_by_id
        keeper.confirmed_at = copy.created_at
    kept_ratings = {r.person_id: r for r in SessionRating.objects.filter(session=keeper)}
    for rating in SessionRating.objects.filter(session=copy).order_by("created_at", "pk"):
        kept = kept_ratings.get(rating.person_id)
        if kept is None:
            rating.session = keeper
            rating.save(update_fields=["session"])
            kept_ratings[rating.person_id] = rating
            continue
        if rating.created_at >= kept.created_at:
            kept.rating = rating.rating
        kept.feedback = _joined(kept.feedback, rating.feedback)
        kept.save(update_fields=["rating", "feedback"])
    kept_notes = {n.author_id: n for n in PrivateNote.objects.filter(session=keeper)}
    for note in PrivateNote.objects.filter(session=copy):
        kept = kept_notes.get(note.author_id)
        if kept is None:
            note.session = keeper
            note.save(update_fields=["session"])
            kept_notes[note.author_id] = note
            continue
        body = _joined(crypto.decrypt(kept.ciphertext), crypto.decrypt(note.ciphertext))
        kept.ciphertext = crypto.encrypt(body)
        kept.save(update_fields=["ciphertext"])
    copy.delete()  # its remaining ratings and notes were merged into the keeper's


def merge_duplicate_session_logs(apps, schema_editor):
    SessionLog = apps.get_model("mentoring_sessions", "SessionLog")
    SessionRating = apps.get_model("mentoring_sessions", "SessionRating")
    PrivateNote = apps.get_model("mentoring_sessions", "PrivateNote")
    duplicated = (
        SessionLog.objects.order_by()
        .values("mentorship_id", "occurred_at")
        .annotate(logs=Count("pk"))
        .filter(logs__gt=1)
    )
    for group in duplicated:
        keeper, *copies = SessionLog.objects.filter(
            mentorship_id=group["mentorship_id"], occurred_at=group["occurred_at"]
        ).order_by("pk")
        for copy in copies:
            _merge(keeper, copy, SessionRating, PrivateNote)
        keeper.save()


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring_sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_session_logs, migrations.RunPython.noop),
    ]
