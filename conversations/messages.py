"""The email about new messages in a pair's thread, batched: at most one per recipient and
thread each quarter hour (conversations.services.batch_due), none while the recipient has
already read them on the site, none in their quiet hours. It says who wrote and how many;
the text stays on the site, where only the pair can read it."""

from __future__ import annotations

from conversations.models import MessageReport
from conversations.selectors import unread_for
from notifications.models import Category, Dispatch
from notifications.registry import kind
from notifications.rendering import link, render_for
from profiles.models import Person
from relationships.models import Mentorship

KIND_NEW_MESSAGES = "pair_messages"
KIND_REPORTED = "message_reported"


@kind(KIND_NEW_MESSAGES, category=Category.MESSAGES, quiet=True)
def build_new_messages(dispatch: Dispatch):
    mentorship = (
        Mentorship.objects.select_related("cohort__program", "mentor__user")
        .filter(pk=dispatch.object_id)
        .first()
    )
    person = Person.objects.filter(user_id=dispatch.recipient_id).first()
    if mentorship is None or person is None or not mentorship.is_member(person):
        return None
    unread = unread_for(mentorship, person)
    if not unread:
        return None  # read on the site meanwhile
    authors = list({m.author_id: m.author for m in unread}.values())
    return render_for(
        dispatch,
        "conversations/emails/new_messages",
        {
            "mentorship": mentorship,
            "count": len(unread),
            "authors": authors,
            "thread_url": link("conversations:thread", [mentorship.pk]),
        },
    )


# A member asked the coordinators to look: not a switch anyone can turn off.
@kind(KIND_REPORTED, category=None)
def build_message_reported(dispatch: Dispatch):
    report = (
        MessageReport.objects.select_related("message__mentorship__cohort__program")
        .filter(pk=dispatch.object_id)
        .first()
    )
    if report is None:
        return None
    program = report.message.mentorship.cohort.program
    if not program.coordinators.filter(pk=dispatch.recipient_id).exists():
        return None  # no longer runs the program
    return render_for(
        dispatch,
        "conversations/emails/message_reported",
        {"program": program, "reported_url": link("conversations:reported_messages")},
    )
