"""Pages read again come from their cached parts (core/fragments.py): reloading after someone
else's write shows the write, each person sees their own page, and forms on a page served from
the cache still post. A mentor, a mentee and their coordinator, each in their own browser."""

from __future__ import annotations

import pytest
from django.db import connection
from playwright.sync_api import expect

import relationships.pair
from tests.browser.conftest import active_pair, open_as
from tests.factories import CohortFactory, ProgramFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pages are cached under PostgreSQL's triggers"
    ),
]


def test_each_reload_after_a_write_shows_it(browser, live_server, make_user, sign_in, monkeypatch):
    computed = []
    original = relationships.pair.pair_context
    monkeypatch.setattr(
        relationships.pair,
        "pair_context",
        lambda *args, **kwargs: computed.append(1) or original(*args, **kwargs),
    )
    program = ProgramFactory(slug="leaders")
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    program.coordinators.add(coordinator)
    cohort = CohortFactory(program=program, slug="c", name="Spring", status="active")
    pair, people = active_pair(cohort, make_user)
    pair_url = pair.get_absolute_url()

    # The coordinator watches relationship health; read again, it is the same page.
    cora, cora_errors = open_as(browser, live_server, sign_in, coordinator)
    health_url = f"/cohorts/{cohort.slug}/relationships/"
    cora.goto(health_url)
    sessions = cora.locator(".stat-card", has_text="sessions logged")
    expect(sessions).to_contain_text("0")
    cora.reload()
    expect(sessions).to_contain_text("0")

    # The mentor reads the pair page twice (the second from its cached parts), on a phone.
    mona, mona_errors = open_as(browser, live_server, sign_in, people["mentor"].user, width=390)
    mona.goto(pair_url)
    mona.reload()
    assert len(computed) == 1
    expect(mona.get_by_role("heading", name="Milo Mentee and you")).to_be_visible()
    assert mona.evaluate("document.documentElement.scrollWidth") <= 390

    # From the cached page she logs a session (the form opens with htmx and posts).
    form = mona.locator("#log-session")
    form.get_by_role("link", name="Log a session").click()
    form.get_by_label("Minutes").fill("50")
    form.get_by_label("Topics").fill("first steps")
    form.get_by_role("button", name="Log session").click()
    expect(mona.get_by_role("status")).to_contain_text("Session logged")
    mona.reload()
    expect(mona.get_by_text("1 session so far")).to_be_visible()

    # …and writes from the cached page: its form carries her own token.
    mona.reload()
    thread = mona.get_by_role("region", name="Messages")
    thread.get_by_label("Your message").fill("Same time next week?")
    thread.get_by_role("button", name="Send").click()
    expect(thread.get_by_text("Same time next week?")).to_be_visible()

    # The mentee's page is his own: the session waits for him to confirm it; the message is there.
    milo, milo_errors = open_as(browser, live_server, sign_in, people["mentee"].user)
    milo.goto(pair_url)
    expect(milo.get_by_role("heading", name="Mona Mentor and you")).to_be_visible()
    steps = milo.get_by_role("region", name="Next steps")
    expect(steps).to_contain_text("Confirm or correct the session of")
    expect(milo.get_by_role("region", name="Messages")).to_contain_text("Same time next week?")

    # The coordinator's reload shows the session; a message, content, never.
    cora.reload()
    expect(sessions).to_contain_text("1")
    expect(cora.get_by_text("Same time next week?")).to_have_count(0)

    for errors in (cora_errors, mona_errors, milo_errors):
        assert errors == []
