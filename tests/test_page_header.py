"""One page-header pattern: the way back up, the page's one h1, a subtitle and the primary
action, written once in includes/page_header.html."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

HEADER = (
    "{% load page %}{% crumbs first 'Meetings' second 'Meeting' as trail %}"
    '{% include "includes/page_header.html" with crumbs=trail title="Change meeting" '
    'action_url="/new/" action_label="Schedule" action_icon="calendar-plus" %}'
)


def render(**context) -> str:
    return Template(HEADER).render(Context(context))


def test_the_header_has_the_trail_one_h1_and_the_action():
    html = render(first="/meetings/", second="/meetings/7/")
    assert html.count("<h1") == 1
    assert '<nav aria-label="Breadcrumb">' in html
    assert html.index('href="/meetings/"') < html.index('href="/meetings/7/"') < html.index("<h1")
    assert '<i class="bi bi-calendar-plus" aria-hidden="true"></i>' in html
    assert 'href="/new/"' in html


def test_a_step_without_a_url_is_left_out_of_the_trail():
    html = render(first="/meetings/", second="")
    assert ">Meetings</a>" in html
    assert ">Meeting</a>" not in html
    assert "breadcrumb-item" in html


def test_no_trail_at_all_leaves_out_the_breadcrumb_navigation():
    assert "<nav" not in render(first="", second=None)


def test_crumbs_take_pairs():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load page %}{% crumbs '/a/' as trail %}").render(Context())
