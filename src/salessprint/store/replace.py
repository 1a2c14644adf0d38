"""Whole-store builds that are all or nothing: `restore`, an import into an
empty store and the demo rebuild.

`building(store)` hands out a store to build the new contents in, and only
when the block ends normally do they become the store:

- **SQLite**: the build goes into a temporary file beside the target
  (`.<name>.<pid>.building`). When the block ends it is closed, fsynced and
  moved over the target with `os.replace` (atomic on one file system), and
  the folder is fsynced. A build that fails, or a process killed half way,
  leaves the target as it was (a killed build leaves its temporary file,
  which the next build beside the same target removes).
- **PostgreSQL** (transactional DDL): one connection and one transaction
  hold the migrations and the data load alike; the block's units of work
  commit savepoints of it, and the whole commits when the block ends. A
  failure or a killed client rolls back everything, schema included.

Before the SQLite target is replaced, its write-ahead log is checkpointed
into it and truncated (`wal_checkpoint(TRUNCATE)`), so no log of the old
file can be replayed into the new one. Another process holding the old file
open at that moment keeps writing to the old file; a whole-store build is
for a store that nobody else is using (an empty one, or a demo).

`kill_point(name)` is the kill test's hook (tests/store/test_replace.py,
tests/services/test_kills.py): with SALESSPRINT_KILL_AT=name in the
environment, the process sends itself SIGKILL there.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from salessprint.domain.errors import StoreUnavailable
from salessprint.store.db import SchemaState, Store, describe_failure, schema_head

KILL_AT = "SALESSPRINT_KILL_AT"
BUILD_LOCK = 0x5A1E5_5C4E
"""The PostgreSQL advisory lock the migrations take (migrations/env.py
SCHEMA_LOCK): a build holds it from its first statement to its commit, so
two builds, or a build and an `init`, of one database run one after the other."""


def kill_point(name: str) -> None:
    """Die here, at once and without cleaning up, when the kill test asks for
    it (SALESSPRINT_KILL_AT=name); otherwise nothing."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class _OneTransaction(Store):
    """A PostgreSQL store seen through one connection inside one open
    transaction: its sessions commit savepoints, and the migrations run on
    the same connection, so nothing is visible to others (or kept) until
    `building` commits the whole."""

    def __init__(self, outer: Store, connection: Connection) -> None:
        from sqlalchemy.orm import sessionmaker

        self.url = outer.url
        self.link = outer.link
        self.offline: str | None = None
        self.engine = outer.engine
        self.connection = connection
        self._sessions = sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")

    def check_connection(self) -> None:
        return None

    def alembic_config(self) -> Any:
        cfg = super().alembic_config()
        cfg.attributes["connection"] = self.connection
        return cfg

    def schema_state(self) -> SchemaState:
        return SchemaState(current=self.current_revision(), head=schema_head())

    def current_revision(self) -> str | None:
        found = self.connection.exec_driver_sql("SELECT to_regclass('alembic_version') IS NOT NULL").scalar()
        if not found:
            return None
        revision = self.connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return str(revision) if revision is not None else None

    def dispose(self) -> None:
        return None


def clear_schema(build: Store) -> None:
    """Drop every salessprint table of a store being built (PostgreSQL: in
    the build's transaction; a new SQLite build file is empty already)."""
    from salessprint.store.models import Base

    if isinstance(build, _OneTransaction):
        Base.metadata.drop_all(build.connection)
        build.connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


SALESSPRINT_TABLES = "alembic_version"


def foreign_tables(store: Store) -> list[str]:
    """Tables of the store's SQLite file that are not salessprint's (a file
    of another program given to --db): replacing the file would lose them."""
    from salessprint.store.models import Base
    from salessprint.store.search import search_tables

    path = store.file
    if path is None or not path.exists() or path.stat().st_size == 0:
        return []
    ours = set(Base.metadata.tables) | {SALESSPRINT_TABLES} | search_tables()  # the trigram index (0011)
    try:
        with store.engine.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).scalars()
            return sorted(str(n) for n in names if n not in ours)
    except SQLAlchemyError as exc:
        raise StoreUnavailable(describe_failure(store.url, exc)) from None


@contextmanager
def building(store: Store) -> Iterator[Store]:
    """A store to build the new contents of `store` in; they replace it (or
    are committed) only when the block ends normally."""
    if store.backend == "postgresql":
        with _postgres_build(store) as build:
            yield build
        return
    if store.file is None:  # an in-memory store: nothing to replace, nobody else sees it
        yield store
        return
    with _sqlite_build(store) as build:
        yield build


@contextmanager
def _postgres_build(store: Store) -> Iterator[Store]:
    try:
        connection = store.engine.connect()
    except SQLAlchemyError as exc:
        raise StoreUnavailable(describe_failure(store.url, exc)) from None
    try:
        transaction = connection.begin()
        # A whole store in one transaction may rightly take long: the link's
        # statement and idle timeouts are lifted for it (store/db.py).
        with store.without_deadlines(connection):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({BUILD_LOCK})")
            yield _OneTransaction(store, connection)
            from salessprint.store.roles import ensure_roles

            ensure_roles(connection)  # the store's roles and its members' logins, in the same transaction
            kill_point("build:before-commit")
        try:
            transaction.commit()
        except OperationalError as exc:
            raise StoreUnavailable(describe_failure(store.url, exc)) from None
    finally:
        connection.close()  # rolls back whatever was not committed


def _scratch_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.building")


def _remove_stale_builds(target: Path) -> None:
    """Temporary files of earlier builds of this target whose process is gone
    (killed half way)."""
    for leftover in target.parent.glob(f".{target.name}.*.building*"):
        pid = leftover.name[len(target.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path, *, folder: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _checkpoint(target: Path) -> None:
    """Write the target's log into it and truncate the log, so that no stale
    log of the old file is replayed into the new one."""
    if not target.exists():
        return
    try:
        conn = sqlite3.connect(target, timeout=10)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"Cannot replace the store {target}: {exc}.") from None


@contextmanager
def _sqlite_build(store: Store) -> Iterator[Store]:
    target = store.file
    assert target is not None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_builds(target)
    except OSError as exc:
        raise StoreUnavailable(f"Cannot write beside {target}: {exc.strerror or exc}.") from None
    scratch = _scratch_path(target)
    for leftover in (scratch, scratch.with_name(scratch.name + "-wal"), scratch.with_name(scratch.name + "-shm")):
        leftover.unlink(missing_ok=True)
    build = Store(f"sqlite:///{scratch}")
    try:
        yield build
        build.dispose()  # the last connection closes: the log is written into the file
        kill_point("build:before-commit")
        try:
            _fsync(scratch)
            store.dispose()  # our own connections to the old file
            _checkpoint(target)
            kill_point("replace:before-rename")
            os.replace(scratch, target)
            kill_point("replace:after-rename")
            _fsync(target.parent, folder=True)
        except OSError as exc:
            raise StoreUnavailable(f"Cannot replace the store {target}: {exc.strerror or exc}.") from None
    finally:
        build.dispose()
        for leftover in (scratch, scratch.with_name(scratch.name + "-wal"), scratch.with_name(scratch.name + "-shm")):
            leftover.unlink(missing_ok=True)
