"""store/replace.py: a whole-store build becomes the store only when it is
complete (SQLite: a file beside it moved over it; PostgreSQL: one transaction,
schema included). Killed builds: tests/services/test_kills.py."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from salessprint.store.db import Store
from salessprint.store.models import Team
from salessprint.store.replace import building, clear_schema, foreign_tables, kill_point


class Boom(Exception):
    pass


def _tables(url: str) -> set[str]:
    engine = create_engine(Store(url).url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _make_team(build: Store, name: str) -> None:
    with build.session() as s:
        s.add(Team(name=name, currency="EUR", timezone="UTC"))
        s.commit()


def test_a_complete_build_becomes_the_store(db_url: str) -> None:
    store = Store(db_url)
    with building(store) as build:
        build.upgrade()
        _make_team(build, "Built")
        assert "teams" not in _tables(db_url)  # nobody sees it half made
    with store.session() as s:
        assert s.execute(text("SELECT name FROM teams")).scalars().all() == ["Built"]
    store.dispose()


def test_a_failed_build_leaves_the_store_as_it_was(db_url: str) -> None:
    store = Store(db_url)
    store.upgrade()
    _make_team(store, "Old")
    with pytest.raises(Boom), building(store) as build:
        clear_schema(build)
        build.upgrade()
        _make_team(build, "New")
        raise Boom
    with store.session() as s:
        assert s.execute(text("SELECT name FROM teams")).scalars().all() == ["Old"]
    if store.file is not None:
        assert [p.name for p in store.file.parent.iterdir() if ".building" in p.name] == []
    store.dispose()


def test_a_failed_build_of_a_new_sqlite_store_creates_no_file(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'sub' / 'new.db'}")
    with pytest.raises(Boom), building(store) as build:
        build.upgrade()
        raise Boom
    assert not (tmp_path / "sub" / "new.db").exists()


def test_a_killed_build_s_leftover_is_removed_by_the_next_build(tmp_path: Path) -> None:
    target = tmp_path / "store.db"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - a child that exits at once: its pid is then free
        os._exit(0)
    os.waitpid(pid, 0)
    stale = tmp_path / f".store.db.{pid}.building"
    stale.write_bytes(b"half a store")
    store = Store(f"sqlite:///{target}")
    with building(store) as build:
        build.upgrade()
    assert not stale.exists()
    assert target.exists()


def test_the_old_file_s_log_is_not_replayed_into_the_new_one(tmp_path: Path) -> None:
    """The old store's write-ahead log is written into it and truncated before the
    new file takes its place: a log left behind would be applied to the new file."""
    target = tmp_path / "store.db"
    holder = sqlite3.connect(target)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("CREATE TABLE alembic_version (version_num TEXT)")
    holder.execute("INSERT INTO alembic_version VALUES ('old')")
    holder.commit()
    assert Path(f"{target}-wal").stat().st_size > 0
    store = Store(f"sqlite:///{target}")
    with building(store) as build:
        build.upgrade()
        _make_team(build, "New")
    holder.close()
    fresh = sqlite3.connect(target)
    assert fresh.execute("SELECT name FROM teams").fetchall() == [("New",)]
    assert fresh.execute("SELECT version_num FROM alembic_version").fetchone() != ("old",)
    fresh.close()


def test_tables_of_another_program_are_named(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    conn.close()
    assert foreign_tables(Store(f"sqlite:///{path}")) == ["invoices"]
    assert foreign_tables(Store(f"sqlite:///{tmp_path / 'missing.db'}")) == []
    assert not (tmp_path / "missing.db").exists()


def test_kill_point_does_nothing_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESSPRINT_KILL_AT", "somewhere else")
    kill_point("build:schema")  # still alive
