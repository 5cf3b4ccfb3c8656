"""Holding another process at a known point of its transaction (PostgreSQL): lock a table it
will touch, wait until it waits for the lock, act, then let it go on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def table_locked(table: str, mode: str = "SHARE") -> Iterator[None]:
    """SHARE holds back writes into the table; ACCESS EXCLUSIVE reads too. Until the block ends."""
    assert mode in {"SHARE", "ACCESS EXCLUSIVE"}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN {mode} MODE")
        yield


def someone_waits_for(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation "
            "WHERE pg_class.relname = %s AND NOT pg_locks.granted",
            [table],
        )
        return cursor.fetchone()[0] > 0
