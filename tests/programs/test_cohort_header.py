"""Every coordinator page about one cohort shows the same header, written once in
programs/includes/cohort_header.html: the way back up, one h1, the cohort's status and dates, and
the cohort's tabs with the current one marked."""

from __future__ import annotations

import re
from datetime import date
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from tests.permissions import CASE_MODULES, COORD

HEADER = "programs/includes/cohort_header.html"
MARKER = "data-cohort-header"

# Each cohort page, and the tab it sits under.
TABS = {
    "programs:cohort_detail": "Participants",
    "programs:import_upload": "Import CSV",
    "programs:import_preview": "Import CSV",
    "matching:cohort": "Matching",
    "matching:run_detail": "Matching",
    "matching:runs": "Match runs",
    "relationships:cohort_health": "Relationship health",
    "relationships:mentorship_new": "Relationship health",
    "flash:event": "Event and rounds",
    "flash:event_settings": "Event settings",
    "flash:follow_on": "Follow-on pairs",
}
# The cohort's own edit form keeps a plain heading: a header above it would show the values the
# form is refusing (a blank name, swapped dates) as if they were the cohort's.
# A flash event's print layout and CSV are the rounds alone, for paper and spreadsheets.
WITHOUT_HEADER = {"programs:cohort_edit", "flash:event_print", "flash:event_csv"}

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CURRENT_TAB = re.compile(
    r'<a class="nav-link active"\s+href="[^"]*"\s+aria-current="page">([^<]+)</a>'
)


def cohort_pages(world: dict) -> dict[str, str]:
    """Every page a coordinator opens under /cohorts/<slug>/, by URL name."""
    cases = {}
    for module in CASE_MODULES:
        cases |= import_module(module).CASES
    pages = {}
    for name, case in cases.items():
        if case.method != "get" or case.expect[COORD] != 200:
            continue
        url = reverse(name, kwargs=case.kwargs(world))
        if url.startswith("/cohorts/"):
            pages[name] = url
    return pages


def test_every_cohort_page_shows_the_header_once_with_its_tab_current(world):
    pages = cohort_pages(world)
    assert pages.keys() == TABS.keys() | WITHOUT_HEADER, "a new cohort page: give it the header"
    client = Client()
    client.force_login(world["users"][COORD])
    for name, url in pages.items():
        html = client.get(url).content.decode()
        if name in WITHOUT_HEADER:
            assert MARKER not in html, name
            continue
        assert html.count(MARKER) == 1, name
        assert html.count("<h1") == 1, name
        assert CURRENT_TAB.findall(html) == [TABS[name]], name
        assert html.count('aria-current="page"') == 1, name


def test_the_header_names_the_cohort_its_status_and_dates(world, client):
    cohort = world["cohort"]
    cohort.start_date, cohort.end_date = date(2027, 3, 1), date(2027, 9, 30)
    cohort.enrolment_closes = date(2027, 2, 15)
    cohort.save()
    client.force_login(world["users"][COORD])
    html = client.get(reverse("relationships:cohort_health", args=[cohort.slug])).content.decode()
    header = html[html.index(MARKER) : html.index("</header>")]
    text = " ".join(strip_tags(header).split())
    for part in (cohort.program.name, cohort.name, cohort.get_status_display()):
        assert part in text
    assert "1 Mar 2027 – 30 Sep 2027 · enrolment closes 15 Feb 2027" in text
    assert re.search(r'<nav aria-label="Cohort [^"]+">', header)
    assert '<h1 class="h3 mb-1">Relationship health</h1>' in header


def template_sources() -> dict[str, str]:
    return {
        str(path.relative_to(TEMPLATES)): path.read_text()
        for path in TEMPLATES.rglob("*.html")
        if str(path.relative_to(TEMPLATES)) != HEADER
    }


def test_no_template_but_the_include_writes_the_cohort_header():
    status_badge = re.compile(r'class="badge[^"]*">\s*\{\{\s*cohort\.get_status_display')
    for name, source in template_sources().items():
        assert not status_badge.search(source), f"{name} writes the cohort's status badge"
        assert "cohort.enrolment_closes" not in source, f"{name} writes the cohort's dates"
        if HEADER in source:
            for own in ("<h1", "breadcrumb", "nav-link"):
                assert own not in source, f"{name} writes {own} beside the cohort header"
