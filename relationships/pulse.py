"""When a pair's pulse surveys fall due, and the signed links that answer one from the email.

Round 0 is due 30 days after the pair started (both confirmed the agreement; when it was formed
if no start is recorded), round n the program's `pulse_every_days` times n later. Only the
latest round due is ever sent: a beat that was down for months sends one survey, not a backlog.
A link carries (pair, person, round) signed, and the rating in its path, so one click from the
email answers without signing in; all a link can do is record that person's rating for that
round of that pair.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.urls import reverse

from core.emails import absolute_url

FIRST_AFTER = timedelta(days=30)
RATINGS = (1, 2, 3, 4, 5)
SALT = "relationships.pulse"
# A link outlives its round by a little: a survey answered late still counts for its round.
MAX_AGE = timedelta(days=120)


def pulse_round_due(began: datetime, now: datetime, every_days: int) -> tuple[int, datetime] | None:
    """The latest round due at `now` and when it fell due; None before the first or when the
    program sends no pulse surveys (every_days 0)."""
    if every_days <= 0:
        return None
    first = began + FIRST_AFTER
    if now < first:
        return None
    every = timedelta(days=every_days)
    n = (now - first) // every
    return n, first + n * every


def pulse_token(mentorship_id: int, user_id: int, round_: int) -> str:
    return signing.dumps([mentorship_id, user_id, round_], salt=SALT, compress=False)


def read_pulse_token(token: str) -> tuple[int, int, int] | None:
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, int) for v in value)):
        return None
    return value[0], value[1], value[2]


def pulse_links(mentorship_id: int, user_id: int, round_: int) -> list[tuple[int, str]]:
    token = pulse_token(mentorship_id, user_id, round_)
    return [
        (rating, absolute_url(reverse("relationships:pulse_answer", args=[token, rating])))
        for rating in RATINGS
    ]
