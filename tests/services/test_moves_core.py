"""The command line's Core paths for `task move` and `deal move` write exactly
what the ORM paths write.

One store is set up with a team whose day differs from UTC's, tasks of
several kinds (one done, with the activity it logged), deals (one a
teammate's with a collaborator), an active and a planned sprint holding
their cards. Each case then runs on two copies of that store, once through
the ORM service (`tasks.move_task`, `deals.move_deal`) and once through the
Core one (`tasks_core.move_task_core`, `deals_core.move_deal_core`), with
the clock frozen: what each returned or refused, and every row of the
tables a move touches (the change log included, whose rows history and
undo read) must be the same. Then `undo` runs on both copies, which must
again be the same: the change rows undo reads were written alike.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from salessprint.domain.errors import SalesSprintError
from salessprint.services import deals_core, tasks_core
from salessprint.services.deals import add_collaborator, add_deal, move_deal
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task, move_task
from salessprint.services.undo import undo
from salessprint.services.uow import open_store
from salessprint.store.db import Store
from salessprint.store.roles import drop_lines

TABLES = ("tasks", "deals", "activities", "sprint_items", "deal_events", "changes")
ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a move writes, JSON read back as data."""
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            out = {}
            for table in TABLES:
                rows = [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
                for row in rows:
                    for key in ("before", "after"):
                        if isinstance(row.get(key), str):  # SQLite hands JSON back as text
                            row[key] = json.loads(row[key])
                out[table] = rows
            return out
    finally:
        store.dispose()


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)


class Copies:
    """Copies of one store (a file, or a database made from it as template)."""

    def __init__(self, base: str, tmp_path: Path) -> None:
        self.base, self.tmp_path = base, tmp_path
        self.made: list[str] = []

    def make(self) -> str:
        url = make_url(self.base)
        if url.get_backend_name() == "sqlite":
            assert url.database is not None
            target = self.tmp_path / f"copy_{uuid.uuid4().hex[:8]}.db"
            shutil.copy(url.database, target)
            return f"sqlite:///{target}"
        name = f"salessprint_movecopy_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
        self.made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        for name in self.made:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for line in drop_lines(name):
                _admin(line)


@pytest.fixture
def moves_store(team_store: Store, tmp_path: Path) -> Iterator[tuple[Copies, dict[str, int]]]:
    """The store every case starts from (disposed: copies are made of it) and its ids."""
    store = team_store
    with store.engine.begin() as conn:  # 10:30 UTC is already the next day there
        conn.execute(text("UPDATE teams SET timezone = 'Pacific/Kiritimati'"))
    ids = {
        "call": add_task(store, "rita", title="Call Acme", kind="call", points="3").id,
        "email": add_task(store, "rita", title="Mail Initech", kind="email").id,
        "admin": add_task(store, "rita", title="Expenses", kind="admin").id,
        "robs_task": add_task(store, "rob", title="Rob's call", kind="call").id,
        "deal": add_deal(store, "rita", title="Acme rollout", account="Acme", value="1200.50").id,
        "collab": add_deal(store, "rob", title="Globex", account="Globex", value="300", stage="Meeting").id,
        "robs_deal": add_deal(store, "rob", title="Hooli", account="Hooli", value="50").id,
    }
    add_collaborator(store, "rob", ids["collab"], "rita")
    plan_sprint(store, "max", goal="First")
    for kind, key in (("task", "call"), ("task", "email"), ("deal", "deal"), ("deal", "collab")):
        add_item(store, "max", kind, ids[key])
    start_sprint(store, "max")
    plan_sprint(store, "max", goal="Next")
    add_item(store, "max", "task", ids["call"])
    add_item(store, "max", "deal", ids["deal"])
    move_task(store, "rita", ids["email"], "done")  # logs an email, its card done
    store.dispose()
    copies = Copies(store.url.render_as_string(hide_password=False), tmp_path)
    try:
        yield copies, ids
    finally:
        copies.drop()


def both_ways(
    copies: Copies,
    orm: Callable[..., Any],
    core: Callable[..., Any],
    shown: Callable[[Any], Any],
    *args: Any,
    **kw: Any,
) -> list[tuple[Any, ...]]:
    """Run one case through each path on a copy of its own; per path: the
    answer (or refusal), the rows after it, the undo's answer and the rows after that."""
    results = []
    for call in (orm, core):
        url = copies.make()
        store = open_store(url)
        try:
            try:
                answer: Any = shown(call(store, *args, **kw))
            except SalesSprintError as exc:
                answer = (type(exc).__name__, exc.message, getattr(exc, "current", None))
            after = dump(url)
            try:
                undone: Any = undo(store, args[0]).message
            except SalesSprintError as exc:
                undone = (type(exc).__name__, exc.message)
        finally:
            store.dispose()
        results.append((answer, after, undone, dump(url)))
    return results


TASK_CASES = [
    pytest.param("rita", "call", "done", None, id="call-done-logs-a-call-and-moves-both-cards"),
    pytest.param("rita", "call", " Doing ", None, id="call-doing"),
    pytest.param("rita", "email", "todo", None, id="done-email-back-drops-its-activity"),
    pytest.param("rita", "email", "doing", None, id="done-email-doing"),
    pytest.param("rita", "admin", "done", None, id="admin-done-logs-nothing"),
    pytest.param("rita", "call", "todo", None, id="same-status-writes-nothing"),
    pytest.param("max", "robs_task", "done", None, id="manager-for-rep"),
    pytest.param("rita", "call", "done", 1, id="right-version"),
    # refusals
    pytest.param("rita", "call", "finished", None, id="unknown-status"),
    pytest.param("rita", "robs_task", "done", None, id="rep-on-teammate-s-task"),
    pytest.param("rita", "missing", "done", None, id="no-such-task"),
    pytest.param("rita", "call", "done", 7, id="stale-version"),
    pytest.param("nobody", "call", "done", None, id="unknown-login"),
]


def _task_shown(view: Any) -> Any:
    return view.model_dump()


@pytest.mark.parametrize(("login", "task", "status", "version"), TASK_CASES)
def test_task_move_core_writes_what_the_orm_writes(
    moves_store: tuple[Copies, dict[str, int]], login: str, task: str, status: str, version: int | None
) -> None:
    copies, ids = moves_store
    task_id = ids.get(task, 999_999)
    orm, core = both_ways(
        copies, move_task, tasks_core.move_task_core, _task_shown, login, task_id, status, expected_version=version
    )
    assert core == orm
    answer, after, _, _ = core
    if isinstance(answer, tuple):  # a refusal writes nothing
        assert after == dump(copies.base)


DEAL_CASES = [
    pytest.param("rita", "deal", "Qualified", None, None, id="to-qualified"),
    pytest.param("rita", "deal", "won", None, None, id="won-closes-it-and-its-cards"),
    pytest.param("rita", "deal", " LOST ", "  no budget ", None, id="lost-with-reason"),
    pytest.param("rita", "deal", "Lost", None, None, id="lost-without-reason"),
    pytest.param("rita", "deal", "Proposal", "ignored", None, id="a-reason-only-counts-when-lost"),
    pytest.param("rita", "deal", "Lead", None, None, id="same-stage-writes-nothing"),
    pytest.param("rita", "collab", "Won", None, None, id="collaborator-may-move"),
    pytest.param("max", "robs_deal", "Won", None, None, id="manager-for-rep"),
    pytest.param("rita", "deal", "Won", None, 1, id="right-version"),
    # refusals
    pytest.param("rita", "deal", "Nowhere", None, None, id="unknown-stage"),
    pytest.param("rita", "deal", "Lost", "bell\x07", None, id="control-character-in-reason"),
    pytest.param("rita", "robs_deal", "Won", None, None, id="rep-on-teammate-s-deal"),
    pytest.param("rita", "missing", "Won", None, None, id="no-such-deal"),
    pytest.param("rita", "deal", "Won", None, 5, id="stale-version"),
    pytest.param("gone", "deal", "Won", None, None, id="unknown-login"),
]


def _deal_shown(view: Any) -> Any:
    return {"id": view.id, "stage": view.stage, "also": list(view.also), "version": view.version}


@pytest.mark.parametrize(("login", "deal", "stage", "reason", "version"), DEAL_CASES)
def test_deal_move_core_writes_what_the_orm_writes(
    moves_store: tuple[Copies, dict[str, int]],
    login: str,
    deal: str,
    stage: str,
    reason: str | None,
    version: int | None,
) -> None:
    copies, ids = moves_store
    deal_id = ids.get(deal, 999_999)
    orm, core = both_ways(
        copies,
        move_deal,
        deals_core.move_deal_core,
        _deal_shown,
        login,
        deal_id,
        stage,
        lost_reason=reason,
        expected_version=version,
    )
    assert core == orm
    answer, after, _, _ = core
    if isinstance(answer, tuple):  # a refusal writes nothing
        assert after == dump(copies.base)


def test_a_won_deal_s_cards_are_named(moves_store: tuple[Copies, dict[str, int]]) -> None:
    copies, ids = moves_store
    store = open_store(copies.make())
    try:
        moved = deals_core.move_deal_core(store, "rita", ids["deal"], "Won")
    finally:
        store.dispose()
    assert moved.also == ["Its card in sprint 1 is now done.", "Its card in sprint 2 is now done."]
