"""What every report stands on: a read-only unit of work that brings the team with the
actor, cannot write, leaves SQLite's writers free and skips PostgreSQL's transactions."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from salessprint.domain.errors import SalesSprintError
from salessprint.services.reports.pipeline import pipeline_in
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from tests.services.reports.sql import statements
from tests.services.reports.story import small_team


def test_the_actor_lookup_brings_the_team(story: Store) -> None:
    def call() -> None:
        with unit_of_work(story, "max", read_only=True) as uow:
            assert uow.team().name == "Test Team"

    assert len(statements(story, call)) == 1


def test_reports_leave_sqlite_writers_free(tmp_path: Path, frozen: datetime) -> None:
    """A report reads without SQLite's write lock: a writer does not wait for it."""
    path = tmp_path / "lock.db"
    store = small_team(f"sqlite:///{path}")
    try:
        with unit_of_work(store, "max", read_only=True) as uow:
            uow.team()
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            other.close()
    finally:
        store.dispose()


def test_a_report_cannot_write(team_store: Store) -> None:
    with pytest.raises(SalesSprintError, match="tried to change"):
        with unit_of_work(team_store, "max", read_only=True) as uow:
            uow.record("team", 1, "update", None, None)
    with pytest.raises(SalesSprintError, match="tried to change"):
        with unit_of_work(team_store, "max", read_only=True) as uow:
            uow.team().name = "Renamed"
            pipeline_in(uow, date(2026, 10, 1), date(2026, 12, 31))  # a query: no autoflush
    with unit_of_work(team_store, "max") as uow:
        assert uow.team().name == "Test Team"


def test_postgresql_reports_skip_the_transaction_round_trips(team_store: Store) -> None:
    if team_store.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    with unit_of_work(team_store, "max", read_only=True) as uow:
        dbapi = uow.session.connection().connection.dbapi_connection
        assert dbapi is not None and dbapi.autocommit is True
    with unit_of_work(team_store, "max") as uow:  # the pooled connection is back to transactions
        dbapi = uow.session.connection().connection.dbapi_connection
        assert dbapi is not None and dbapi.autocommit is False
