"""Parts of pages cached under the data version, so a page read again costs what its live parts
cost and no more.

A page marks the parts it may reuse with `{% fragment "name" part… using=deferred %}…
{% endfragment %}` (core/templatetags/fragments.py). A part is filed under everything its text
depends on:
- the data version (reports.versioning, registered in `version_sources` by the reports app):
  any write to a table a page reads raises it, so no part is served after its data changed;
- who reads it: the user, their flags and roles (what they may see and do);
- the request: the full path with its query, and whether htmx asked;
- the language, the time zone, and the clock in CLOCK_STEP steps: "overdue", "applied 3 minutes
  ago", "14:02 there now" and a form's "now" move with the clock, so such a text is at most one
  step old, no older than its own precision.
What a page shows from a table the data version does not watch (messages, mail deliveries, jobs:
reports.versioning.UNREAD_TABLES) stays outside its fragments and is rendered on every request.

The forms inside a part are stored with a placeholder for their CSRF token, which each
request's own token replaces as the part is shown.

Only GET requests read or fill the cache, and nothing is cached where there is no data
version (SQLite, or a transaction that wrote). Entries live in each process's memory ("fragments"
cache): a stale one is unreachable, since its key holds an older version, and is culled.

`Deferred` holds what a page computes only for its cached parts: it is computed once, on the
first miss, and not at all when every part is found.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from django.http import HttpRequest
from django.utils import timezone, translation

from core.data_version import data_version
from core.roles import roles_for

# Stands for the CSRF token in a stored part: random in each process, as its cache is.
CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"
CLOCK_STEP = 60  # seconds: the oldest a clock-driven text may be (they show minutes at most)
KEY_FORMAT = 1  # raise when what the key holds changes


class Deferred:
    """A computation run once, when a cached part first needs it (a miss), or never."""

    do_not_call_in_templates = True  # the fragment tag calls it, on a miss only

    def __init__(self, compute: Callable[[], dict]) -> None:
        self._compute = compute
        self._value: dict | None = None

    def __call__(self) -> dict:
        if self._value is None:
            self._value = self._compute()
        return self._value


def fragment_key(request: HttpRequest, name: str, parts: tuple = ()) -> str | None:
    """The key a part of this page is filed under, or None when it must be rendered afresh."""
    version = data_version(request)
    if version is None:
        return None
    user = request.user
    roles = roles_for(request)
    words = (
        KEY_FORMAT,
        name,
        parts,
        user.pk,
        roles,  # the user's flags and what they take part in
        user.is_superuser,  # a superuser's scope is every program
        request.get_full_path(),
        bool(getattr(request, "htmx", False)),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        int(timezone.now().timestamp() // CLOCK_STEP),
    )
    digest = hashlib.sha256(repr(words).encode()).hexdigest()
    return f"fragment:{version}:{digest}"
