"""The parts of a page's header that a template cannot write as a literal: the breadcrumb trail."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def crumbs(*steps) -> list[tuple[str, str]]:
    """The way back up as (url, label) pairs, for includes/page_header.html:
    `{% crumbs url1 label1 url2 label2 as trail %}`. A step whose url is empty is left out, so a
    step only some pages have needs no `if` around it."""
    if len(steps) % 2:
        raise template.TemplateSyntaxError("crumbs takes pairs: a url, then its label")
    pairs = zip(steps[::2], steps[1::2], strict=True)
    return [(str(url), str(label)) for url, label in pairs if url]
