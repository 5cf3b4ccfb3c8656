"""The data version: a number in one row that any write to a table the reports read raises, so
figures cached under one number are never served after the data changed. The pages' cached
parts are filed under it too (core/fragments.py, core/roles.py).

Database triggers raise it, not Django signals: bulk_create, QuerySet.update and delete, raw SQL
and imports all pass through them. On PostgreSQL each watched table has two:
- a deferred constraint trigger, per row, that raises `number` in one row (a row, not a
  sequence) once per transaction, as the transaction commits: the new number becomes visible
  when, and only when, the data does, and the row is locked only for that moment, after every
  other lock the transaction takes, so writers neither wait long for each other nor deadlock
  over it;
- a statement trigger that marks the transaction as having written (and raises the number at
  once for a TRUNCATE, which row triggers do not see). A transaction so marked reads no cached
  figures: its own writes are not in any of them.
A reader reads the number first and the data after: figures are never filed under a number
newer than the data they were computed from. Elsewhere (SQLite in development) there are no
triggers and nothing is cached.

The tables are every table of the apps the reports may read, the apps below `reports` in the
import layers (pyproject.toml), but for those listed in UNREAD_TABLES: busy tables no figure and
no cached part of a page reads (a page shows them outside its cached parts). The triggers are
(re)installed after every `migrate`, so a new table is covered the day it is created;
tests/reports/test_versioning.py fails for a table that is neither.
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
# Tables in those apps that no figure and no cached part of a page reads, and that change often
# (every message, email, job or audited action): a write to them leaves cached figures in place.
UNREAD_TABLES = frozenset(
    {
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
    }
)
# Watched columns: an update that changes only these leaves the version as it was (a sign-in
# writes last_login; names, emails and flags are shown on pages cached under the version).
IGNORED_COLUMNS = {"users_user": frozenset({"last_login"})}
# Tables of Django's own apps that cached pages read: who may create programs (core.roles).
FRAMEWORK_TABLES = frozenset({"auth_group_permissions"})
TABLE = "reports_dataversion"
FUNCTION = "reports_data_changed"
TRIGGER = "reports_data_changed"  # the deferred ones, per row: raise the number at commit
UPDATE_TRIGGER = "reports_data_updated"
MARK_FUNCTION = "reports_data_touched"
MARK_TRIGGER = "reports_data_touched"  # per statement: marks the transaction (and TRUNCATE)
RAISED, WROTE = "reports.version_raised", "reports.data_written"
UPSERT = f"""INSERT INTO {TABLE} (id, number) VALUES (1, 1)
                ON CONFLICT (id) DO UPDATE SET number = {TABLE}.number + 1;"""  # noqa: S608


def watched_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for label in SOURCE_APPS
        if label in apps.app_configs
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted((tables - UNREAD_TABLES) | FRAMEWORK_TABLES)


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
                IF current_setting('{RAISED}', true) = 'on' THEN
                    RETURN NULL;
                END IF;
                PERFORM set_config('{RAISED}', 'on', true);
                {UPSERT}
                RETURN NULL;
            END $$
            """
        )
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {MARK_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM set_config('{WROTE}', 'on', true);
                IF TG_OP = 'TRUNCATE' THEN
                    {UPSERT}
                END IF;
                RETURN NULL;
            END $$
            """
        )
        for table in watched_tables():
            if table not in existing:
                continue
            quoted = db.ops.quote_name(table)
            changed = "OLD.* IS DISTINCT FROM NEW.*"
            if ignored := IGNORED_COLUMNS.get(table):
                columns = [
                    db.ops.quote_name(column.name)
                    for column in db.introspection.get_table_description(cursor, table)
                    if column.name not in ignored
                ]
                old_row = ", ".join(f"OLD.{column}" for column in columns)
                new_row = ", ".join(f"NEW.{column}" for column in columns)
                changed = f"ROW({old_row}) IS DISTINCT FROM ROW({new_row})"
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {MARK_TRIGGER} AFTER INSERT OR UPDATE OR DELETE"
                f" OR TRUNCATE ON {quoted} FOR EACH STATEMENT EXECUTE FUNCTION {MARK_FUNCTION}()"
            )
            # A constraint trigger cannot be replaced in place. An update that leaves the row
            # as it was (a form saved unchanged) changes no figure: it raises nothing.
            for name, event in ((TRIGGER, "INSERT OR DELETE"), (UPDATE_TRIGGER, "UPDATE")):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {name} AFTER {event} ON {quoted}"
                    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                    + (f" WHEN ({changed})" if event == "UPDATE" else "")
                    + f" EXECUTE FUNCTION {FUNCTION}()"
                )


def install_after_migrate(sender, using: str, **kwargs) -> None:
    install_triggers(connections[using])


def tables_with_trigger(using: BaseDatabaseWrapper | None = None) -> set[str]:
    """The tables that have all three triggers."""
    names = (TRIGGER, UPDATE_TRIGGER, MARK_TRIGGER)
    return set.intersection(*(_tables_with(name, using) for name in names))


def _tables_with(name: str, using: BaseDatabaseWrapper | None) -> set[str]:
    db = using or connection
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = %s AND t.tgenabled <> 'D'",
            [name],
        )
        return {row[0] for row in cursor.fetchall()}


def data_version() -> str | None:
    """The current version; None where there are no triggers (nothing may be cached)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT current_setting('{WROTE}', true), number, started_at"  # noqa: S608
            f" FROM (SELECT 1) AS one LEFT JOIN {TABLE} ON {TABLE}.id = 1"
        )
        wrote, number, started_at = cursor.fetchone()
    if wrote == "on":
        return None  # this transaction wrote: no cached figure holds its writes
    # No row: the table was emptied (`flush`) and nothing written since; the next write adds it.
    return None if number is None else f"{started_at.timestamp()}.{number}"
