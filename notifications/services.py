"""The outbox: plan messages as Dispatch rows, hand due rows to workers, send each once.

How "exactly once" is kept:

* **At most one row per message.** A message's key (kind, object, occurrence, recipient) is
  unique; planners insert with ON CONFLICT DO NOTHING, so scans that run twice or at the
  same time plan each message once.
* **At most one sender per row.** A worker sends only after flipping the row from pending
  (or from a stale "sending") to "sending" with a conditional UPDATE that one worker wins;
  a sent row is never claimed again.
* **At least once.** The scan hands every due pending row to a worker, and hands it again if
  nobody claimed it within NOTIFICATIONS_CLAIM_TIMEOUT (the task was lost: Redis restarted,
  a worker died holding it). A row the broker refused (it was down) is not left stamped as
  handed out, so the first scan after the broker is back sends it. A row stuck in "sending"
  that long belongs to a worker that died mid-send; it is claimed again. Transient SMTP
  errors put the row back to pending with an exponential backoff; after MAX_ATTEMPTS it is
  marked failed, with the error, in the admin.
* **The one window left**: a worker that dies after the transport accepted the message but
  before the row says "sent". The message is then sent again on the next claim, with the
  same Message-ID (notifications.mail.message_id_for). The file transport keeps one copy per
  Message-ID, so there it is exactly once. Over SMTP it is at least once: the window is the
  length of one SMTP transaction, and receivers that de-duplicate on Message-ID (many do)
  show one message.

NOTIFICATIONS_CLAIM_TIMEOUT must be longer than a send can take: Celery's hard time limit
(CELERY_TASK_TIME_LIMIT) kills a stuck send first, so nothing is claimed while still running.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation

from notifications import registry, webhooks
from notifications.mail import message_id_for
from notifications.models import (
    Dispatch,
    InboxItem,
    Preference,
    QuietHours,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.quiet import quiet_until
from notifications.registry import Message, Planned
from notifications.tokens import unsubscribe_url
from users.models import language_of

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
ENQUEUE_BATCH = 2000
# Messages per send task: one mail-server connection serves them all (a TLS handshake per
# message would cost more than the message), and a task lost with its worker holds few.
SEND_BATCH = 20

Status = Dispatch.Status


def claim_timeout() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT)


# --- Preferences ------------------------------------------------------------------------------


def categories_switched_off(user) -> set[str]:
    return set(
        Preference.objects.filter(user=user, enabled=False).values_list("category", flat=True)
    )


def categories_out_of_app(user) -> set[str]:
    return set(
        Preference.objects.filter(user=user, in_app=False).values_list("category", flat=True)
    )


def channels_for(user, category: str | None) -> tuple[bool, bool]:
    """(by email, in the app) for a message of `category`; account mail goes both ways."""
    if category is None:
        return True, True
    preference = Preference.objects.filter(user=user, category=category).first()
    if preference is None:
        return True, True
    return preference.enabled, preference.in_app


def category_allowed(user, category: str | None) -> bool:
    return channels_for(user, category)[0]


@transaction.atomic
def preferences_set(
    *, user, enabled: dict[str, bool], in_app: dict[str, bool] | None = None
) -> None:
    """`enabled`: by email, per category; `in_app`: in the inbox (left as it is if not given)."""
    for category, on in enabled.items():
        defaults = {"enabled": bool(on)}
        if in_app is not None and category in in_app:
            defaults["in_app"] = bool(in_app[category])
        Preference.objects.update_or_create(user=user, category=category, defaults=defaults)


def quiet_hours_of(user) -> QuietHours | None:
    return QuietHours.objects.filter(user=user).first()


@transaction.atomic
def quiet_hours_set(*, user, starts, ends) -> None:
    """Both times, or neither (no quiet hours)."""
    if starts is None or ends is None or starts == ends:
        QuietHours.objects.filter(user=user).delete()
        return
    QuietHours.objects.update_or_create(user=user, defaults={"starts": starts, "ends": ends})


def quiet_hours_end(user, moment: datetime, quiet: QuietHours | None = None) -> datetime | None:
    """When the user's quiet hours that `moment` falls in end; None outside them."""
    quiet = quiet or quiet_hours_of(user)
    if quiet is None:
        return None
    return quiet_until(starts=quiet.starts, ends=quiet.ends, zone=user.timezone, moment=moment)


def deliverable_at(user, moment: datetime) -> datetime:
    """`moment`, or the end of the user's quiet hours when it falls in them."""
    return quiet_hours_end(user, moment) or moment


# --- Planning ---------------------------------------------------------------------------------


def dispatch_plan(planned: Iterable[Planned]) -> int:
    """Insert the planned messages that have no row yet; returns how many were new.

    The unique key, not the look-up, is what keeps a message to one row: the look-up only
    spares the database inserts that would be ignored anyway."""
    by_kind: dict[str, list[Planned]] = defaultdict(list)
    for item in planned:
        by_kind[item.kind].append(item)
    created = 0
    for kind, items in by_kind.items():
        existing = set(
            Dispatch.objects.filter(
                kind=kind, object_id__in={item.object_id for item in items}
            ).values_list("object_id", "occurrence", "recipient_id")
        )
        fresh = {
            (item.object_id, item.occurrence, item.recipient_id): item
            for item in items
            if (item.object_id, item.occurrence, item.recipient_id) not in existing
        }
        if not fresh:
            continue
        Dispatch.objects.bulk_create(
            [
                Dispatch(
                    kind=item.kind,
                    object_id=item.object_id,
                    occurrence=item.occurrence,
                    recipient_id=item.recipient_id,
                    due_at=item.due_at,
                )
                for item in fresh.values()
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        created += len(fresh)
    return created


@transaction.atomic
def dispatches_create_now(*, messages: Iterable[Message]) -> list[int]:
    """Messages that go out straight away (an invitation, a match, a request): a row each,
    handed to a worker once the caller's transaction commits. This is the one way to send an
    email; a message whose row exists already (a service that ran twice) is not sent again."""
    messages = list(messages)
    for message in messages:
        if message.kind not in registry.KINDS:
            raise LookupError(f"no message kind {message.kind!r} is registered")
    now = timezone.now()
    dispatch_plan(Planned(m.kind, m.object_id, m.occurrence, m.recipient_id, now) for m in messages)
    keys = {(m.kind, m.object_id, m.occurrence, m.recipient_id) for m in messages}
    by_kind: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        by_kind[message.kind].add(message.object_id)
    ids = [
        pk
        for kind, object_ids in by_kind.items()
        for pk, *key in Dispatch.objects.filter(
            kind=kind, object_id__in=object_ids, status=Status.PENDING
        ).values_list("pk", "kind", "object_id", "occurrence", "recipient_id")
        if tuple(key) in keys
    ]
    Dispatch.objects.filter(pk__in=ids).update(enqueued_at=now)
    _enqueue_on_commit(ids)
    return ids


@transaction.atomic
def dispatches_schedule(*, planned: Iterable[Planned]) -> int:
    """Messages that go out later, when the scan finds them due (a batch of a pair's messages
    at the end of its quarter hour). As with dispatches_create_now, the key keeps each to one
    row; returns how many rows were new."""
    planned = list(planned)
    for item in planned:
        if item.kind not in registry.KINDS:
            raise LookupError(f"no message kind {item.kind!r} is registered")
    return dispatch_plan(planned)


def _send_tasks(ids: list[int]) -> None:
    # The task module imports this one (a task is a thin call of a service); importing it when
    # a send is enqueued keeps that the only way round. A deliberate, allowed late import.
    from notifications.tasks import send_dispatches

    for start in range(0, len(ids), SEND_BATCH):
        try:
            send_dispatches.delay(ids[start : start + SEND_BATCH])
        except Exception as exc:
            # The broker is down (settings make this quick). The rows stay; unstamped, the
            # next scan hands them out again instead of waiting out the claim timeout.
            unsent = ids[start:]
            Dispatch.objects.filter(pk__in=unsent, status=Status.PENDING).update(enqueued_at=None)
            logger.warning(
                "broker unavailable, %d messages wait for the scan: %r", len(unsent), exc
            )
            return


def _enqueue_on_commit(ids: list[int]) -> None:
    if not ids:
        return

    def hand_out() -> None:
        _send_tasks(ids)

    # robust: whatever else goes wrong handing out must not fail the request that made the
    # rows; they are stamped enqueued_at, and the scan hands them out again once the claim
    # timeout has passed. (A named function: Django logs a robust callback's failure by its
    # __qualname__, which a functools.partial lacks, and the logging itself would raise.)
    transaction.on_commit(hand_out, robust=True)


# --- The scan ---------------------------------------------------------------------------------


@dataclass
class ScanResult:
    planned: int = 0
    enqueued: int = 0
    failed: int = 0


def notifications_scan(*, now: datetime | None = None) -> ScanResult:
    """Plan what is due, give up on rows out of attempts, and hand due rows to workers.

    Safe to run any number of times, also concurrently (the beat schedule may overlap a slow
    scan, an operator may run one by hand)."""
    now = now or timezone.now()
    result = ScanResult()
    for name, planner in registry.PLANNERS.items():
        try:
            with transaction.atomic():
                result.planned += dispatch_plan(planner(now))
        except Exception:
            # One broken planner must not keep every other message from going out.
            logger.exception("planner %s failed", name)
    result.failed = _fail_exhausted(now)
    while True:
        enqueued = _enqueue_due(now)
        result.enqueued += enqueued
        if enqueued < ENQUEUE_BATCH:
            break
    return result


def _due_rows(now: datetime):
    stale = now - claim_timeout()
    return Dispatch.objects.filter(
        status__in=[Status.PENDING, Status.SENDING], due_at__lte=now
    ).filter(
        Q(status=Status.PENDING, enqueued_at__isnull=True)
        | Q(status=Status.PENDING, enqueued_at__lt=stale)
        | Q(status=Status.SENDING, claimed_at__lt=stale)
    )


@transaction.atomic
def _enqueue_due(now: datetime) -> int:
    # Lock the rows as they are read and skip those a concurrent scan holds: two scans that
    # stamped overlapping rows in different orders deadlocked (PostgreSQL aborted one).
    due = _due_rows(now).select_for_update(skip_locked=True).order_by("due_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:ENQUEUE_BATCH])
    if not ids:
        return 0
    # Stamp, then enqueue after commit; a scan that read the rows just before they were stamped
    # may hand out the same ones, which costs a task that finds nothing to claim.
    Dispatch.objects.filter(pk__in=ids).update(enqueued_at=now)
    _enqueue_on_commit(ids)
    return len(ids)


def _fail_exhausted(now: datetime) -> int:
    """Rows whose sender died MAX_ATTEMPTS times (a message that kills its worker) stop."""
    return Dispatch.objects.filter(
        status=Status.SENDING, attempts__gte=MAX_ATTEMPTS, claimed_at__lt=now - claim_timeout()
    ).update(status=Status.FAILED, last_error="The sender stopped before finishing, every time.")


# --- Sending ----------------------------------------------------------------------------------


def dispatch_claim(*, dispatch_id: int, now: datetime) -> bool:
    """Whoever flips the row to "sending" sends it; everyone else finds it taken."""
    stale = now - claim_timeout()
    return bool(
        Dispatch.objects.filter(pk=dispatch_id, due_at__lte=now)
        .filter(
            Q(status=Status.PENDING)
            | Q(status=Status.SENDING, claimed_at__lt=stale, attempts__lt=MAX_ATTEMPTS)
        )
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _finish(dispatch: Dispatch, claimed_at: datetime, **fields) -> bool:
    # Only the claim we hold: if the row was taken over meanwhile, the other worker decides.
    return bool(
        Dispatch.objects.filter(
            pk=dispatch.pk, status=Status.SENDING, claimed_at=claimed_at
        ).update(**fields)
    )


def is_transient(exc: BaseException) -> bool:
    """4xx replies and lost connections are worth another try; 5xx replies are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPException | OSError)


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def dispatches_send(*, dispatch_ids: Iterable[int]) -> dict[str, int]:
    """Send each message in turn over one mail-server connection; each is claimed on its own,
    so a batch that runs twice, or overlaps another, still sends every message once."""
    outcomes: dict[str, int] = defaultdict(int)
    connection = get_connection()
    try:
        for dispatch_id in dispatch_ids:
            outcome = dispatch_send(dispatch_id=dispatch_id, connection=connection)
            outcomes[outcome] += 1
            if outcome in ("retry", "failed"):
                # The connection may be what broke: the next message gets a fresh one.
                connection.close()
    finally:
        connection.close()
    return dict(outcomes)


def dispatch_send(*, dispatch_id: int, connection=None) -> str:
    """Claim, build and send one message; returns what happened (for logs and tests)."""
    claimed_at = timezone.now()
    if not dispatch_claim(dispatch_id=dispatch_id, now=claimed_at):
        return "not claimed"
    dispatch = Dispatch.objects.select_related("recipient", "endpoint").get(pk=dispatch_id)
    if dispatch.endpoint_id is not None:
        return _webhook_send(dispatch, claimed_at)
    kind = registry.KINDS.get(dispatch.kind)
    by_email = in_app = False
    try:
        if kind is None:
            raise LookupError(f"no message kind {dispatch.kind!r} is registered")
        by_email, in_app = channels_for(dispatch.recipient, kind.category)
        if not dispatch.recipient.is_active:
            message, reason = None, "The recipient's account is inactive."
        elif not (by_email or in_app):
            message, reason = None, f"The recipient switched off “{kind.category}”."
        else:
            # Subject, body and inbox entry in the recipient's language.
            with translation.override(language_of(dispatch.recipient)):
                message, reason = kind.build(dispatch), "No longer relevant."
    except Exception as exc:
        # A bug or bad data, not the mail server: retrying would fail the same way.
        logger.exception("building %s failed", dispatch.key)
        _finish(dispatch, claimed_at, status=Status.FAILED, last_error=repr(exc)[:2000])
        return "failed"
    if message is None:
        _finish(dispatch, claimed_at, status=Status.SKIPPED, last_error=reason)
        return "skipped"
    if in_app:
        inbox_item_create(dispatch=dispatch, message=message)
    if not by_email:
        reason = f"The recipient gets “{kind.category}” in the app only, not by email."
        _finish(dispatch, claimed_at, status=Status.SKIPPED, last_error=reason)
        return "in app"
    if kind.quiet:
        until = quiet_hours_end(dispatch.recipient, claimed_at)
        if until is not None:
            # The inbox has it already; the email waits, whole, for the end of the quiet
            # hours. Not an attempt.
            _finish(
                dispatch,
                claimed_at,
                status=Status.PENDING,
                due_at=until,
                enqueued_at=None,
                attempts=F("attempts") - 1,
            )
            return "deferred"
    _decorate(message, dispatch, kind.category)
    try:
        if connection is not None:
            connection.open()  # kept open across the batch; a no-op once it is
            message.connection = connection
        message.send()
    except Exception as exc:
        if is_transient(exc) and dispatch.attempts < MAX_ATTEMPTS:
            _finish(
                dispatch,
                claimed_at,
                status=Status.PENDING,
                due_at=timezone.now() + backoff(dispatch.attempts),
                enqueued_at=None,
                last_error=repr(exc)[:2000],
            )
            logger.warning("sending %s failed, will retry: %r", dispatch.key, exc)
            return "retry"
        _finish(dispatch, claimed_at, status=Status.FAILED, last_error=repr(exc)[:2000])
        logger.error("sending %s failed for good: %r", dispatch.key, exc)
        return "failed"
    if not _finish(dispatch, claimed_at, status=Status.SENT, sent_at=timezone.now()):
        logger.warning("%s was sent, but its claim had been taken over", dispatch.key)
    return "sent"


def _webhook_send(dispatch: Dispatch, claimed_at: datetime) -> str:
    """One attempt at a webhook delivery; the same claim, backoff and give-up as email."""
    if not dispatch.endpoint.active:
        _finish(dispatch, claimed_at, status=Status.SKIPPED, last_error="The endpoint is off.")
        return "skipped"
    try:
        code = webhooks.deliver(dispatch)
    except webhooks.DeliveryError as exc:
        if exc.transient and dispatch.attempts < MAX_ATTEMPTS:
            _finish(
                dispatch,
                claimed_at,
                status=Status.PENDING,
                due_at=timezone.now() + backoff(dispatch.attempts),
                enqueued_at=None,
                response_code=exc.status,
                last_error=str(exc)[:2000],
            )
            logger.warning("delivering %s failed, will retry: %s", dispatch.key, exc)
            return "retry"
        _finish(
            dispatch,
            claimed_at,
            status=Status.FAILED,
            response_code=exc.status,
            last_error=str(exc)[:2000],
        )
        logger.error("delivering %s failed for good: %s", dispatch.key, exc)
        return "failed"
    if not _finish(
        dispatch, claimed_at, status=Status.SENT, sent_at=timezone.now(), response_code=code
    ):
        logger.warning("%s was delivered, but its claim had been taken over", dispatch.key)
    return "sent"


def _decorate(message, dispatch: Dispatch, category: str | None) -> None:
    message.to = [dispatch.recipient.email]
    message.extra_headers["Message-ID"] = message_id_for(dispatch.pk, dispatch.kind)
    if category is not None:
        link = unsubscribe_url(dispatch.recipient_id, category)
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
        message.extra_headers["List-Unsubscribe"] = f"<{link}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


# --- Webhooks (notifications.webhooks says how they are signed and retried) ------------------


def _endpoints_for(event: str):
    endpoints = WebhookEndpoint.objects.filter(active=True)
    return [e for e in endpoints if event == webhooks.TEST_EVENT or event in e.events]


@transaction.atomic
def webhooks_emit(
    *,
    event: str,
    items: Iterable[tuple[int, Mapping]],
    occurrence: str = "",
    endpoints: list[WebhookEndpoint] | None = None,
) -> list[int]:
    """Each item (object id, event data) goes to every endpoint subscribed to the event, a row
    per delivery, handed to a worker once the caller's transaction commits. An event whose row
    exists already (a service that ran twice) is not delivered again."""
    if event != webhooks.TEST_EVENT and event not in WebhookEvent.values:
        raise LookupError(f"no webhook event {event!r}")
    targets = endpoints if endpoints is not None else _endpoints_for(event)
    if not targets:
        return []
    kind, now = f"webhook:{event}", timezone.now()
    by_object = dict(items)
    Dispatch.objects.bulk_create(
        [
            Dispatch(
                kind=kind,
                object_id=object_id,
                occurrence=occurrence,
                endpoint=endpoint,
                payload={"event": event, "occurred_at": now.isoformat(), "data": dict(data)},
                enqueued_at=now,
            )
            for object_id, data in by_object.items()
            for endpoint in targets
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    ids = list(
        Dispatch.objects.filter(
            kind=kind,
            object_id__in=list(by_object),
            occurrence=occurrence,
            endpoint__in=targets,
            status=Status.PENDING,
            attempts=0,
        ).values_list("pk", flat=True)
    )
    _enqueue_on_commit(ids)
    return ids


def webhook_test_send(*, endpoints: list[WebhookEndpoint]) -> list[int]:
    """The admin's "send test event": a ping to each endpoint, whatever it subscribed to."""
    now = timezone.now()
    return webhooks_emit(
        event=webhooks.TEST_EVENT,
        items=[(0, {"message": "ping"})],
        occurrence=now.strftime("%Y%m%dT%H%M%S.%fZ"),
        endpoints=endpoints,
    )


# --- The inbox in the app ------------------------------------------------------------------


def inbox_item_create(*, dispatch: Dispatch, message) -> InboxItem:
    """The inbox's copy of a built email: its subject, its text, and the first page of ours it
    links to (not the unsubscribe or preferences links). One per outbox row, so a retried
    send does not add a second."""
    item, _ = InboxItem.objects.get_or_create(
        dispatch=dispatch,
        defaults={
            "user_id": dispatch.recipient_id,
            "subject": message.subject[:300],
            "body": message.body,
            "url": _first_own_link(message.body)[:500],
        },
    )
    return item


def _first_own_link(text: str) -> str:
    site = settings.SITE_URL.rstrip("/")
    skip = ("/unsubscribe/", reverse("notifications:preferences"))
    for found in re.findall(r"https?://\S+", text):
        if found.startswith(site) and not any(part in found for part in skip):
            return found
    return ""


def inbox_mark_read(*, user, item_ids: Iterable[int] | None = None) -> int:
    """Mark the user's items read (all of them when no ids are given)."""
    items = InboxItem.objects.filter(user=user, read_at=None)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    return items.update(read_at=timezone.now())


@transaction.atomic
def dispatch_retry(*, dispatch_ids: Iterable[int]) -> int:
    """An admin sends failed or skipped messages again, from a clean slate."""
    now = timezone.now()
    ids = list(
        Dispatch.objects.filter(
            pk__in=list(dispatch_ids), status__in=[Status.FAILED, Status.SKIPPED]
        ).values_list("pk", flat=True)
    )
    Dispatch.objects.filter(pk__in=ids).update(
        status=Status.PENDING, attempts=0, due_at=now, enqueued_at=now, claimed_at=None
    )
    _enqueue_on_commit(ids)
    return len(ids)
