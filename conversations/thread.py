"""The thread as the pair page and the thread page show it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from conversations import selectors, services
from conversations.forms import MessageForm
from relationships.access import person_of


def thread_context(request: HttpRequest, mentorship, *, form: MessageForm | None = None) -> dict:
    """The thread as the pair page and the thread page show it; reading it marks it read."""
    me = person_of(request.user)
    before = request.GET.get("before")
    before = int(before) if before and before.isdigit() and len(before) < 19 else None
    shown = selectors.thread(mentorship, me, before=before)
    if shown.messages and before is None:
        services.thread_mark_read(mentorship=mentorship, person=me, up_to=shown.messages[-1].pk)
    return {
        "mentorship": mentorship,
        "me": me,
        "thread": shown,
        "message_form": None if mentorship.is_ended else form or MessageForm(),
        "poll_seconds": settings.MESSAGES_POLL_SECONDS,
        "older_than": shown.messages[0].pk if shown.has_older else None,
        "viewing_older": before is not None,
    }
