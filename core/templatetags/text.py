"""Text that templates join from parts, so punctuation sits where a sentence needs it.

A list written as a loop with a separator in the template picks up the template's line
breaks as spaces ("Ann , Bob"); these filters return the finished text instead."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.text import get_text_list
from django.utils.translation import gettext

register = template.Library()


@register.filter
def names(people: Iterable) -> str:
    """People's names as a sentence lists them: "Ann", "Ann and Bob", "Ann, Bob and Cem"."""
    return get_text_list([person.name for person in people], gettext("and"))


@register.filter
def without(people: Iterable, user) -> list:
    """The people other than the one signed in as `user`."""
    return [person for person in people if person.user_id != getattr(user, "pk", None)]
