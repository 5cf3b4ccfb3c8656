"""A coordinator matches a large cohort on a real worker: the page answers at once, shows the
work's progress while it runs, then the result; a run can be cancelled while it works.

To see each step every time, the test holds the worker at a known point with a table lock
(tests/support/locks.py) while the browser watches, then lets it go on."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from jobs.models import Job
from matching.models import MatchRun
from tests.jobs.cohorts import big_cohort
from tests.support.broker import celery_publishing_to, production_settings, worker_env
from tests.support.locks import someone_waits_for, table_locked
from tests.support.workers import WorkerProcess

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

MENTEES, MENTORS = 1500, 600


@pytest.fixture
def worker(redis_server, mail_dir, tmp_path):
    """A real worker on a private Redis, and the site (the live server here) publishing to it."""
    env = worker_env(
        redis_url=redis_server.url, mail_dir=mail_dir, var_dir=tmp_path / "var", claim_timeout=60
    )
    with celery_publishing_to(production_settings(redis_server.url)):
        process = WorkerProcess(env=env, queue="celery")
        process.log = tmp_path / "worker.log"
        process.start()
        yield process
        process.stop()


def wait_for(predicate, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_coordinator_starts_matching_watches_progress_sees_the_result_and_can_cancel(
    page, make_user, sign_in, worker
):
    coordinator = make_user(email="cora@example.org", first_name="Cora")
    cohort = big_cohort(coordinator, MENTEES, MENTORS, slug="company")
    sign_in(page, coordinator)
    page.goto(f"/cohorts/{cohort.slug}/matching/")

    status = page.get_by_role("status")
    with table_locked("matching_proposal"):  # the worker stops as it saves the proposals
        page.get_by_role("button", name="Run matching").click()
        expect(page.get_by_role("heading", name="Matching Company")).to_be_visible()
        expect(page.get_by_role("heading", name="Running")).to_be_visible(timeout=60_000)
        expect(status).to_contain_text("Saving the proposals (2 / 3)", timeout=60_000)
        expect(page.get_by_label("Progress")).to_have_attribute("value", "67")
        assert wait_for(lambda: someone_waits_for("matching_proposal")), worker.output()[-3000:]
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1280, "height": 900})
    # Let go: the same page, never reloaded, turns into the result.
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=60_000)
    expect(status).to_contain_text(f"{MENTEES} of {MENTEES} mentees matched")
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_label("Run summary")).to_contain_text(f"{MENTEES} of {MENTEES} mentees")

    # The next run is cancelled while it loads the cohort: it writes nothing.
    with table_locked("matching_forbiddenpair", "ACCESS EXCLUSIVE"):
        page.get_by_role("button", name="Run matching again").click()
        expect(status).to_contain_text("Loading the cohort", timeout=60_000)
        assert wait_for(lambda: someone_waits_for("matching_forbiddenpair"))
        page.get_by_role("button", name="Cancel").click()
        expect(page.get_by_role("alert")).to_contain_text("Cancelling “Matching Company”")
        expect(status).to_contain_text("Cancelling…")
    expect(page.get_by_role("heading", name="Cancelled")).to_be_visible(timeout=60_000)
    expect(status).to_contain_text("Cancelled; nothing was changed.")
    assert MatchRun.objects.filter(cohort=cohort).count() == 1
    assert list(Job.objects.order_by("pk").values_list("state", flat=True)) == [
        "succeeded",
        "cancelled",
    ]
