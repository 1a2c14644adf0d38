"""The small test team (`tests/team_helpers.make_team`) built once per test
process and copied, instead of migrated and filled again for every test.

A fresh team store runs the twelve migrations (SQLite's batch mode rebuilds
tables; on PostgreSQL the row-level security of 0009 and the roles of
store/roles.py) and four units of work: 0.5-2 s a test, paid by hundreds of
tests. A copy is a file copy on SQLite and `CREATE DATABASE ... TEMPLATE` on
PostgreSQL, whose copy is then made the store's own: its group roles are
named from its database (store/roles.py), so the copy's objects are handed
from the template's groups to its own exactly as `ensure_roles` hands a new
store's (`test_templates.py` checks the copy's catalog against a fresh store's).

A template is built under the clock the caller has frozen (rows carry
`clock.now()`): a caller whose clock is not frozen gets a store built afresh.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from salessprint.domain import clock
from salessprint.store.db import Store, parse_url
from salessprint.store.roles import drop_lines, ensure_roles, manages_logins, quote, role_names

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_PREFIX = "postgresql+psycopg://postgres@127.0.0.1:5432/"

_lock = threading.Lock()
_sqlite: dict[tuple[str, datetime], Path] = {}
_pg: dict[datetime, str] = {}
_folder: Path | None = None
_prefilled: set[str] = set()
"""Databases created as team copies that `team_copy` has not opened yet."""


def _frozen_now() -> datetime | None:
    """The moment the clock is frozen at (None: it runs)."""
    return clock._frozen or clock._env_now()


def _admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _fresh(url: str) -> Any:
    from tests.team_helpers import make_team

    return make_team(url)


def sqlite_copy(kind: str, target: Path, build: Callable[[Path], None]) -> bool:
    """Copy into `target` (a new file) the SQLite store `build(path)` makes,
    built once per process for each `kind` and frozen moment. False (and
    nothing copied) when the clock runs or `target` exists."""
    global _folder
    now = _frozen_now()
    if now is None or target.exists():
        return False
    with _lock:
        found = _sqlite.get((kind, now))
        if found is None:
            if _folder is None:
                _folder = Path(tempfile.mkdtemp(prefix="salessprint-templates-"))
            found = _folder / f"{kind}-{len(_sqlite)}.db"
            build(found)
            # Every connection closed: the write-ahead log is in the file.
            assert not Path(f"{found}-wal").exists(), f"{found}-wal left behind"
            _sqlite[(kind, now)] = found
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(found, target)
    return True


def _build_team(path: Path) -> None:
    _fresh(f"sqlite:///{path}").dispose()


def _pg_template(now: datetime) -> str:
    found = _pg.get(now)
    if found is None:
        found = f"salessprint_tmpl_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{found}"')
        _fresh(PG_PREFIX + found).dispose()
        _pg[now] = found
    return found


def adopt(conn: Any, template: str) -> None:
    """Make a copy of the database `template` (on `conn`, in its transaction)
    the store's own: what the template's group roles own or hold goes back
    to the superuser that set it up, and `ensure_roles` hands it to this
    database's groups, as it does for a new store; the functions that name
    the owner group (migration 0009's `ss_privileged`) name this one's."""
    from sqlalchemy import text

    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    theirs, mine = role_names(template), role_names(database)
    conn.exec_driver_sql(f"REASSIGN OWNED BY {quote(theirs.owner)} TO current_user")
    conn.exec_driver_sql(f"DROP OWNED BY {', '.join(quote(n) for n in (theirs.owner, *theirs.groups))}")
    for definition in conn.execute(
        text(
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.prosrc LIKE :owner"
        ),
        {"owner": f"%{theirs.owner}%"},
    ).scalars():
        with conn.connection.cursor() as cursor:  # the driver's own: no parameters, no % to escape
            cursor.execute(definition.replace(theirs.owner, mine.owner))
    ensure_roles(conn)


def can_copy_pg() -> bool:
    """A PostgreSQL team may be copied: the clock is frozen and salessprint
    makes no login roles (as in the suite: a template holds none)."""
    return _frozen_now() is not None and not manages_logins()


def create_team_database(name: str) -> None:
    """Create the database `name` as a copy of the team template (one
    CREATE DATABASE, where an empty one and then the copy took two); the
    next `team_copy` of its URL opens it."""
    now = _frozen_now()
    assert now is not None and can_copy_pg()
    with _lock:
        template = _pg_template(now)
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    owner = Store(PG_PREFIX + name)
    try:
        with owner.engine.begin() as conn:
            adopt(conn, template)
    finally:
        owner.dispose()
    _prefilled.add(name)


def team_copy(url: str) -> Any:
    """`make_team(url)`, copied from this process's template when the clock
    is frozen and `url` is a new SQLite file or an empty PostgreSQL database
    on the test server (the copy replaces it; see `can_copy_pg`), or one
    `create_team_database` made; else built afresh."""
    from salessprint.services import open_store

    now = _frozen_now()
    parsed = parse_url(url)
    if now is None:
        return _fresh(url)
    if parsed.get_backend_name() == "sqlite":
        file = parsed.database
        if not file or file == ":memory:" or not sqlite_copy("team", Path(file).expanduser(), _build_team):
            return _fresh(url)
    elif parsed.database in _prefilled:
        _prefilled.discard(parsed.database)  # made a copy by create_team_database
    elif url.startswith(PG_PREFIX) and parsed.database and "?" not in url and can_copy_pg():
        if _holds_tables(url):
            return _fresh(url)
        _admin(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
        create_team_database(parsed.database)
        _prefilled.discard(parsed.database)
    else:
        return _fresh(url)
    store = open_store(url, check_schema=False)
    with store.engine.connect():
        pass  # one pooled connection, as make_team's last unit of work leaves
    return store


def _holds_tables(url: str) -> bool:
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            return bool(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
                ).scalar()
            )
    finally:
        store.dispose()


def cleanup() -> None:
    """Drop this process's templates (pytest_sessionfinish)."""
    global _folder
    with _lock:
        for name in _pg.values():
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', *drop_lines(name))
        _pg.clear()
        _sqlite.clear()
        if _folder is not None:
            shutil.rmtree(_folder, ignore_errors=True)
            _folder = None
