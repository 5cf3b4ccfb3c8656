"""The data version the report cache is filed under (reports.versioning, reports.figure_cache)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from programs.models import Program
from reports.figure_cache import cached_participation_report
from reports.selectors import ReportFilters
from reports.versioning import (
    SOURCE_APPS,
    UNREAD_TABLES,
    data_version,
    tables_with_trigger,
    watched_tables,
)
from sessions.models import SessionLog
from tests.factories import CohortFactory, ProgramFactory
from tests.reports.bulk import add_pairs

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version needs PostgreSQL's triggers"
)
K = settings.REPORTS_MIN_GROUP_SIZE


def test_the_watched_apps_are_those_below_reports_in_the_layers():
    layers = tomllib.loads(Path(settings.BASE_DIR, "pyproject.toml").read_text())
    contract = next(
        c for c in layers["tool"]["importlinter"]["contracts"] if c.get("type") == "layers"
    )
    layers = [layer.split("#")[0].strip() for layer in contract["layers"]]
    below = layers[layers.index("reports") + 1 :]
    names = {name.strip() for layer in below for name in layer.replace(":", "|").split("|")}
    labels = {"sessions": "mentoring_sessions"}
    assert set(SOURCE_APPS) == {labels.get(name, name) for name in names}


@pytest.mark.django_db
def test_every_table_of_the_watched_apps_has_the_trigger_or_is_listed_as_unread():
    tables = {
        model._meta.db_table
        for label in SOURCE_APPS
        if label in apps.app_configs
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    assert tables >= UNREAD_TABLES, "an unread table that no longer exists"
    missing = tables - UNREAD_TABLES - tables_with_trigger()
    assert not missing, f"no trigger raises the report data version on {sorted(missing)}"
    assert "mentoring_sessions_sessionlog" in watched_tables()


# Tests that follow the number through commits run in real transactions (transaction=True).


@pytest.mark.django_db(transaction=True)
def test_bulk_writes_raise_the_version_when_they_commit(org):
    writes = [
        lambda: SessionLog.objects.update(duration_minutes=45),
        lambda: add_pairs(org["cohort"], 2),
        lambda: SessionLog.objects.filter(duration_minutes=45).delete(),
    ]
    for write in writes:
        before = data_version()
        write()
        assert data_version() > before
    unchanged = [
        lambda: SessionLog.objects.filter(pk=-1).update(duration_minutes=1),  # no row
        lambda: SessionLog.objects.update(duration_minutes=F("duration_minutes")),  # same values
    ]
    for write in unchanged:
        before = data_version()
        write()
        assert data_version() == before


@pytest.mark.django_db(transaction=True)
def test_a_transaction_raises_the_number_once_as_it_commits_and_reads_no_cached_figures(org):
    from reports.models import DataVersion

    before = DataVersion.objects.values_list("number", flat=True).get()
    with transaction.atomic():
        SessionLog.objects.update(duration_minutes=45)
        add_pairs(org["cohort"], 2)
        # Not yet: the number rises as the data becomes visible, at commit.
        assert DataVersion.objects.values_list("number", flat=True).get() == before
        # This transaction's own writes are in no cached figure: it reads none.
        assert data_version() is None
    assert DataVersion.objects.values_list("number", flat=True).get() == before + 1
    assert data_version() is not None


@pytest.mark.django_db
def test_a_write_to_an_unread_table_leaves_the_version(org):
    from conversations.models import ThreadRead

    before = data_version()
    ThreadRead.objects.update(last_read_id=0)
    assert data_version() == before


@pytest.mark.django_db(transaction=True)
def test_a_cached_report_is_computed_again_after_a_queryset_update(org):
    filters = ReportFilters()
    hours = cached_participation_report(filters, k=K).overall.stats["hours"].value
    assert cached_participation_report(filters, k=K).overall.stats["hours"].value == hours
    SessionLog.objects.update(duration_minutes=600)
    assert cached_participation_report(filters, k=K).overall.stats["hours"].value != hours


@pytest.mark.django_db(transaction=True)
def test_readers_with_different_scopes_never_share_figures(org):
    other = ProgramFactory(name="Theirs", slug="theirs")
    add_pairs(CohortFactory(program=other, slug="theirs-1"), 10)
    everyone = ReportFilters(programs=None)
    ours = ReportFilters(programs=Program.objects.filter(slug="ours"))
    theirs = ReportFilters(programs=Program.objects.filter(slug="theirs"))
    for _ in range(2):  # computed, then from the cache
        sessions = [
            cached_participation_report(f, k=K).overall.stats["sessions"].value
            for f in (everyone, ours, theirs)
        ]
        assert sessions[0] == sessions[1] + sessions[2]
        assert len(set(sessions)) == 3


@pytest.mark.django_db(transaction=True)
def test_an_emptied_version_table_caches_nothing_until_the_next_write_starts_it_again(org):
    from reports.models import DataVersion

    before = data_version()
    DataVersion.objects.all().delete()  # as `flush` does
    assert data_version() is None
    SessionLog.objects.update(duration_minutes=50)
    after = data_version()
    assert after is not None and after != before
