"""Outgoing webhooks: events delivered to the endpoints a site admin registered, through the
outbox (one Dispatch row per event and endpoint, sent by the same workers, scan and backoff as
email; notifications.services).

* **Signed.** Each attempt carries `X-Mentoring-Timestamp` (Unix seconds) and
  `X-Mentoring-Signature: sha256=<hex>`, the HMAC-SHA256 with the endpoint's secret of
  `<timestamp>.<body>`; `X-Mentoring-Delivery` is the delivery's id, the same on every attempt
  (receivers drop a repeat by it), and `X-Mentoring-Event` the event. README: a verification
  snippet.
* **Retried.** A 2xx answer is the acknowledgement: the row is sent and never claimed again.
  A 5xx, 408 or 429 answer, a timeout or a refused connection is retried with the outbox's
  exponential backoff, up to its MAX_ATTEMPTS; any other answer fails the delivery. Every
  attempt's status code is kept on the row (the admin's outbox list shows it).
* **Never text.** Payloads hold ids, states, roles and times: never notes, messages, goals or
  anything else people wrote.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from notifications.models import Dispatch

TEST_EVENT = "ping"
TIMEOUT = 10  # seconds a receiver has to answer
RETRY_STATUSES = frozenset({408, 429})


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


class DeliveryError(Exception):
    def __init__(self, reason: str, *, status: int | None, transient: bool) -> None:
        super().__init__(reason)
        self.status = status
        self.transient = transient


def deliver(dispatch: Dispatch) -> int:
    """POST the delivery, signed; returns the 2xx status or raises DeliveryError."""
    endpoint = dispatch.endpoint
    body = json.dumps(
        {"id": dispatch.pk, **dispatch.payload}, separators=(",", ":"), sort_keys=True
    ).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL the admin registered
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Mentoring-Webhooks/1",
            "X-Mentoring-Event": dispatch.payload.get("event", ""),
            "X-Mentoring-Delivery": str(dispatch.pk),
            "X-Mentoring-Timestamp": timestamp,
            "X-Mentoring-Signature": signature(endpoint.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        transient = exc.code >= 500 or exc.code in RETRY_STATUSES
        raise DeliveryError(f"HTTP {exc.code}", status=exc.code, transient=transient) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(repr(exc), status=None, transient=True) from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}", status=status, transient=False)
    return status
