"""What the screens read takes no write lock: on SQLite a writer holding the
lock does not hold up a screen, and a screen's read never makes a writer wait.
Every read view also refuses to write (read-only unit of work)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from salessprint.services.activities import list_activities
from salessprint.services.activity_view import my_goals
from salessprint.services.app_context import load_context
from salessprint.services.backlog import backlog_page
from salessprint.services.changes import latest_change_id
from salessprint.services.history import deal_timeline, history
from salessprint.services.members import list_members, whoami
from salessprint.services.notes import list_notes
from salessprint.services.pipeline_view import pipeline
from salessprint.services.retro import list_entries, retro_board
from salessprint.services.sprints import (
    current_sprint,
    list_sprints,
    open_sprints,
    sprint_items,
    sprint_points_by_member,
)
from salessprint.services.targets import list_targets
from salessprint.services.tasks import list_tasks
from salessprint.services.team import get_team
from salessprint.services.undo import last_undoable

READS: list[Callable[..., Any]] = [
    whoami,
    load_context,
    list_members,
    get_team,
    list_sprints,
    open_sprints,
    current_sprint,
    sprint_items,
    sprint_points_by_member,
    my_goals,
    history,
    last_undoable,
    list_notes,
    list_entries,
    retro_board,
    list_tasks,
    list_activities,
    list_targets,
    latest_change_id,
    backlog_page,
    pipeline,
]


@pytest.fixture
def writer(demo_store: Any) -> Any:
    """Another salessprint in the middle of a write: it holds SQLite's write lock."""
    conn = sqlite3.connect(Path(demo_store.url.database), timeout=0, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    conn.execute("ROLLBACK")
    conn.close()


@pytest.mark.parametrize("read", READS, ids=lambda fn: fn.__name__)
def test_a_screen_read_does_not_wait_for_a_writer(demo_store: Any, writer: Any, read: Callable[..., Any]) -> None:
    # With the write lock taken, a read that asked for it would wait out the
    # busy timeout and fail with "the database is busy".
    read(demo_store, "maria")


def test_a_deal_timeline_does_not_wait_for_a_writer(demo_store: Any) -> None:
    deal = next(i for i in sprint_items(demo_store, "maria") if i.item_type == "deal")
    conn = sqlite3.connect(Path(demo_store.url.database), timeout=0, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        assert deal_timeline(demo_store, "maria", deal.item_id)
    finally:
        conn.execute("ROLLBACK")
        conn.close()
