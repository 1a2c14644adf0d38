"""The synthetic team generator at a tiny size: consistent, deterministic, on both backends."""

from __future__ import annotations

import hashlib
from itertools import islice

import pytest
from sqlalchemy import text

from benchmarks.generate import ANCHOR, BENCH_LOGIN, SIZES, Plan, build_store, deal_code
from salessprint.services import open_store
from salessprint.services.deals import list_deals
from salessprint.services.reports.velocity import velocity
from salessprint.services.sprints import sprint_items

TINY = SIZES["tiny"]


@pytest.fixture
def tiny(db_url: str):
    plan = build_store(db_url, TINY)
    store = open_store(db_url)
    yield plan, store
    store.dispose()


def scalar(store, sql: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_counts_match_the_size(tiny) -> None:
    plan, store = tiny
    assert plan.counts["deals"] == scalar(store, "SELECT count(*) FROM deals") == TINY.deals
    assert plan.counts["activities"] == scalar(store, "SELECT count(*) FROM activities") == TINY.activities
    assert scalar(store, "SELECT count(*) FROM sprints") == TINY.sprints
    assert scalar(store, "SELECT count(*) FROM members WHERE role = 'rep'") == TINY.reps
    assert scalar(store, "SELECT count(*) FROM sprint_items") == TINY.sprints * TINY.reps * TINY.items_per_rep
    assert scalar(store, "SELECT count(*) FROM retro_entries") == (TINY.sprints - 1) * 6


def test_rows_are_consistent(tiny) -> None:
    _plan, store = tiny
    if store.backend == "sqlite":  # loaded with foreign keys off: check them now
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    # One active sprint, holding the anchor day; every other one closed.
    assert scalar(store, "SELECT count(*) FROM sprints WHERE state = 'active'") == 1
    assert (
        scalar(
            store,
            f"SELECT count(*) FROM sprints WHERE state = 'active' AND starts_on <= '{ANCHOR.date()}' "
            f"AND ends_on >= '{ANCHOR.date()}'",
        )
        == 1
    )
    # Closed deals have a close date, open ones none; active-sprint deal cards are open deals.
    assert (
        scalar(
            store,
            "SELECT count(*) FROM deals d JOIN stages s ON s.id = d.stage_id "
            "WHERE (s.kind = 'open') = (d.closed_on IS NOT NULL)",
        )
        == 0
    )
    assert (
        scalar(
            store,
            "SELECT count(*) FROM sprint_items i JOIN sprints sp ON sp.id = i.sprint_id "
            "JOIN deals d ON d.id = i.deal_id WHERE sp.state = 'active' AND d.closed_on IS NOT NULL",
        )
        == 0
    )
    # A deal card belongs to the deal's owner; an activity never lies in the future.
    assert (
        scalar(
            store,
            "SELECT count(*) FROM sprint_items i JOIN deals d ON d.id = i.deal_id "
            "JOIN sprints sp ON sp.id = i.sprint_id WHERE sp.state = 'active' AND d.owner_id <> i.member_id",
        )
        == 0
    )
    assert (
        scalar(
            store,
            "SELECT count(*) FROM activities a JOIN deals d ON d.id = a.deal_id WHERE d.started_on > a.occurred_at",
        )
        == 0
    )


def test_services_read_the_generated_team(tiny, frozen) -> None:
    _plan, store = tiny
    report = velocity(store, BENCH_LOGIN, last=50)
    assert len(report.sprints) == TINY.sprints - 1
    assert all(s.committed_points > 0 for s in report.sprints)
    cards = sprint_items(store, BENCH_LOGIN)
    assert len(cards) == TINY.reps * TINY.items_per_rep
    assert {c.status for c in cards} <= {"todo", "doing", "done"}
    open_deals = list_deals(store, BENCH_LOGIN, open_only=True, limit=500)
    assert open_deals and all(d.stage_kind == "open" for d in open_deals)


def test_same_seed_same_rows() -> None:
    def digest(plan: Plan) -> str:
        h = hashlib.sha256()
        for _name, rows in plan.tables():
            for row in islice(rows, 400):
                h.update(repr(sorted(row.items())).encode())
        return h.hexdigest()

    assert digest(Plan(TINY, seed=7)) == digest(Plan(TINY, seed=7))
    assert digest(Plan(TINY, seed=7)) != digest(Plan(TINY, seed=8))


def test_deal_references_are_unique_at_the_large_size() -> None:
    n = SIZES["large"].deals
    assert len({deal_code(i) for i in range(1, n + 1)}) == n


@pytest.mark.postgres
def test_both_backends_hold_the_same_team(pg_url: str, sqlite_url: str, frozen) -> None:
    build_store(pg_url, TINY)
    build_store(sqlite_url, TINY)
    pg, lite = open_store(pg_url), open_store(sqlite_url)
    try:
        assert velocity(pg, BENCH_LOGIN, last=50) == velocity(lite, BENCH_LOGIN, last=50)
        assert [d.id for d in list_deals(pg, BENCH_LOGIN, open_only=True)] == [
            d.id for d in list_deals(lite, BENCH_LOGIN, open_only=True)
        ]
        # Money: NUMERIC on PostgreSQL, whole cents on SQLite.
        assert scalar(pg, "SELECT sum(value * 100) FROM deals") == scalar(lite, "SELECT sum(value) FROM deals")
    finally:
        pg.dispose()
        lite.dispose()


def test_the_active_sprint_and_the_backlog_grow_on_their_own(sqlite_url: str) -> None:
    """The large store's shape at a tiny size: a wide active sprint, open tasks in no sprint."""
    wide = SIZES["tiny-wide"]
    build_store(sqlite_url, wide)
    store = open_store(sqlite_url)
    try:
        active = "SELECT count(*) FROM sprint_items i JOIN sprints s ON s.id = i.sprint_id WHERE s.state = 'active'"
        assert scalar(store, active) == wide.active_cards == wide.reps * wide.active_items_per_rep
        in_no_sprint = (
            "SELECT count(*) FROM tasks t WHERE t.status = 'todo' "
            "AND NOT EXISTS (SELECT 1 FROM sprint_items i WHERE i.task_id = t.id)"
        )
        assert scalar(store, in_no_sprint) >= wide.backlog_tasks
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.dispose()
