"""The data version: a number in one row that any write to a table the reports read raises, so
figures cached under one number are never served after the data changed.

Database triggers raise it, not Django signals: bulk_create, QuerySet.update and delete, raw SQL
and imports all pass through them. On PostgreSQL one statement-level trigger per table, for
INSERT, UPDATE, DELETE and TRUNCATE, runs `number = number + 1` in the writer's transaction (a
row, not a sequence), so the new number becomes visible when, and only when, the write does. A
reader reads the number first and the data after: figures are never filed under a number newer than
the data they were computed from. Elsewhere (SQLite in development) there are no triggers and
nothing is cached.

The tables are every table of the apps the reports may read, the apps below `reports` in the
import layers (pyproject.toml), but for those listed in UNREAD_TABLES: busy tables no figure
reads. The triggers are (re)installed after every `migrate`, so a new table is covered the day
it is created; tests/reports/test_versioning.py fails for a table that is neither.

The row is a point where writers meet: a transaction that wrote to a watched table holds the
row until it commits, and another one's write waits for that (two transactions that also wait
for each other's rows can now deadlock, and PostgreSQL cancels one). Long imports hold it the
longest; the busy tables are left out for that reason too.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

# The apps below `reports` in the import layers (pyproject.toml): all the reports can read.
SOURCE_APPS = (
    "flash",
    "matching",
    "scheduling",
    "relationships",
    "goals",
    "mentoring_sessions",
    "conversations",
    "programs",
    "profiles",
    "jobs",
    "notifications",
    "audit",
    "core",
    "users",
)
# Tables in those apps that no figure reads, and that change often (every sign-in, message,
# email or audited action): a write to them leaves cached figures in place.
UNREAD_TABLES = frozenset(
    {
        "users_user",  # sign-ins; who may read a report is in the cache key, not the figures
        "audit_auditevent",
        "jobs_job",
        "notifications_dispatch",
        "notifications_inboxitem",
        "notifications_preference",
        "notifications_quiethours",
        "notifications_webhookendpoint",
        "conversations_message",
        "conversations_threadread",
        "conversations_messagereport",
        "scheduling_calendarfeed",
        "mentoring_sessions_privatenote",
    }
)
TABLE = "reports_dataversion"
FUNCTION = "reports_data_changed"
TRIGGER = "reports_data_changed"


def watched_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for label in SOURCE_APPS
        if label in apps.app_configs
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables - UNREAD_TABLES)


def install_triggers(using: BaseDatabaseWrapper | None = None) -> None:
    """Create (or replace) the function and a trigger on every watched table that exists."""
    db = using or connection
    if db.vendor != "postgresql":
        return
    existing = set(db.introspection.table_names())
    if TABLE not in existing:
        return
    with db.cursor() as cursor:
        # An upsert: after a `flush` emptied the table, the next write starts it again.
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {TABLE} (id, number) VALUES (1, 1)
                ON CONFLICT (id) DO UPDATE SET number = {TABLE}.number + 1;
                RETURN NULL;
            END $$
            """  # noqa: S608 - constants
        )
        for table in watched_tables():
            if table not in existing:
                continue
            quoted = db.ops.quote_name(table)
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                f" ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )


def install_after_migrate(sender, using: str, **kwargs) -> None:
    install_triggers(connections[using])


def tables_with_trigger(using: BaseDatabaseWrapper | None = None) -> set[str]:
    db = using or connection
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = %s AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
            [TRIGGER],
        )
        return {row[0] for row in cursor.fetchall()}


def data_version() -> str | None:
    """The current version; None where there are no triggers (nothing may be cached)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, started_at FROM {TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    # No row: the table was emptied (`flush`) and nothing written since; the next write adds it.
    return f"{row[1].timestamp()}.{row[0]}" if row else None
