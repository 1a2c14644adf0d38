"""tests/templates.py: a team store copied from the process's template is the
store `make_team` builds afresh, rows, schema, owners, grants, policies and
functions alike (on PostgreSQL with the copy's own group roles)."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from salessprint.domain import clock
from salessprint.store.db import Store
from salessprint.store.roles import role_names
from tests import templates
from tests.conftest import FROZEN_NOW
from tests.team_helpers import make_team


def sqlite_content(path: Path) -> list[Any]:
    conn = sqlite3.connect(path)
    try:
        # A table's constraints come in no fixed order (Alembic's batch rebuilds on
        # SQLite), so its definition is compared line by line, sorted.
        schema = sorted(
            (
                (
                    kind,
                    name,
                    table,
                    "\n".join(sorted(sql.rstrip(")").replace(", \n", "\n").splitlines())) if sql else sql,
                )
                for kind, name, table, sql in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
            ),
            key=repr,
        )
        tables = [name for kind, name, _t, _s in schema if kind == "table" and not name.startswith("sqlite_")]
        rows = [(t, sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)) for t in tables]
        pragmas = [conn.execute(f"PRAGMA {p}").fetchall() for p in ("journal_mode", "user_version", "page_size")]
        return [schema, rows, pragmas]
    finally:
        conn.close()


def test_a_copied_sqlite_team_is_the_fresh_one(tmp_path: Path, frozen: object) -> None:
    make_team(f"sqlite:///{tmp_path / 'fresh.db'}").dispose()
    first = templates.team_copy(f"sqlite:///{tmp_path / 'one.db'}")
    second = templates.team_copy(f"sqlite:///{tmp_path / 'sub' / 'two.db'}")
    for store in (first, second):
        store.dispose()
    fresh = sqlite_content(tmp_path / "fresh.db")
    assert fresh[1] and all(rows for name, rows in fresh[1] if name in ("teams", "members", "stages"))
    assert sqlite_content(tmp_path / "one.db") == fresh
    assert sqlite_content(tmp_path / "sub" / "two.db") == fresh


def test_without_a_frozen_clock_or_on_a_used_file_the_team_is_built_afresh(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    templates.team_copy(f"sqlite:///{live}").dispose()
    with sqlite3.connect(live) as conn:
        made = conn.execute("SELECT created_at FROM teams").fetchall()
    assert len(made) == 1 and not str(made[0][0]).startswith(FROZEN_NOW.date().isoformat())  # the clock's now

    used = tmp_path / "used.db"
    empty = Store(f"sqlite:///{used}")
    empty.upgrade()
    empty.dispose()
    with clock.freeze(FROZEN_NOW):
        templates.team_copy(f"sqlite:///{used}").dispose()  # the file is there: built in it
    with sqlite3.connect(used) as conn:
        assert conn.execute("SELECT count(*) FROM members").fetchone() == (4,)


def pg_dump(database: str, *args: str) -> str:
    """The database's dump with its group roles' names made neutral."""
    out = subprocess.run(
        ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--no-comments", *args, database],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    prefix = role_names(database).owner.removesuffix("_owner")
    lines = [line for line in out.splitlines() if not line.startswith(("\\restrict", "\\unrestrict"))]  # random keys
    return "\n".join(lines).replace(prefix, "ss_DB")


@pytest.mark.postgres
def test_a_copied_postgres_team_is_the_fresh_one_with_its_own_roles(pg_url: str, frozen: object) -> None:
    import uuid

    import psycopg

    fresh_name = f"salessprint_test_{uuid.uuid4().hex[:12]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh_name}"')
    try:
        make_team(templates.PG_PREFIX + fresh_name).dispose()
        templates.team_copy(pg_url).dispose()
        copy_name = pg_url.rsplit("/", 1)[1]
        schema = pg_dump(fresh_name, "--schema-only")
        assert "ss_DB_owner" in schema and "GRANT SELECT,INSERT,DELETE,UPDATE" in schema
        assert "CREATE POLICY" in schema and "ss_privileged" in schema
        assert pg_dump(copy_name, "--schema-only") == schema
        assert pg_dump(copy_name, "--data-only") == pg_dump(fresh_name, "--data-only")
        with psycopg.connect(admin) as conn:
            memberships = """SELECT g.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid
                             JOIN pg_roles m ON m.oid = a.member WHERE g.rolname LIKE %s ORDER BY 1, 2"""

            def groups(name: str) -> list[tuple[str, str]]:
                prefix = role_names(name).owner.removesuffix("owner")
                rows = conn.execute(memberships, (prefix + "%",)).fetchall()
                return [(g.removeprefix(prefix), m.removeprefix(prefix)) for g, m in rows]

            assert groups(copy_name) == groups(fresh_name) == [("manager", "admin"), ("rep", "manager")]
            template = next(iter(templates._pg.values()))
            # the copy holds nothing of the template's roles
            assert role_names(template).owner.removesuffix("_owner") not in pg_dump(copy_name, "--schema-only")
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh_name}" WITH (FORCE)')
            from salessprint.store.roles import drop_lines

            for line in drop_lines(fresh_name):
                conn.execute(line)
