"""A throwaway PostgreSQL database beside the one DATABASE_URL names, for a benchmark run."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def admin(base: str, sql: str) -> None:
    """Run one statement on the server's `postgres` database, outside a transaction."""
    import psycopg2

    conn = psycopg2.connect(urlunsplit(urlsplit(base)._replace(path="/postgres")))
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def scratch_database(base: str, suffix: str) -> tuple[str, str]:
    """Create `<name>_<suffix>` afresh (dropping a leftover one); its name and URL."""
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'mentoring'}_{suffix}"
    admin(base, f'DROP DATABASE IF EXISTS "{name}"')
    admin(base, f'CREATE DATABASE "{name}"')
    return name, urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(base: str, name: str) -> None:
    admin(base, f'DROP DATABASE IF EXISTS "{name}"')
