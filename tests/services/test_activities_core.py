"""The command line's Core path for `log` writes exactly what the ORM path writes.

Each case is logged twice on one store, by `activities.log_activity` (ORM)
and by `activities_core.log_activity_core` (Core), with the clock frozen:
the activity rows, the change log rows (the audit log history and undo
read) and the change feed's signal must be the same but for the ids, and a
refusal must be the same refusal with nothing written. On PostgreSQL the
Core path also runs on a member's own login, under row-level security.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from salessprint.domain.enums import Role
from salessprint.domain.errors import SalesSprintError
from salessprint.services import activities, activities_core
from salessprint.services.deals import add_deal
from salessprint.services.members import add_member, deactivate_member
from salessprint.services.team import init_team
from salessprint.services.uow import open_store
from salessprint.store.db import Store
from salessprint.store.roles import MANAGE_LOGINS, drop_lines

Log = Callable[..., Any]
PATHS: dict[str, Log] = {"orm": activities.log_activity, "core": activities_core.log_activity_core}


def rows(store: Store, since_activity: int, since_change: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Activities and changes written after the given ids, without their ids."""
    with store.engine.connect() as conn:
        acts = [
            dict(r._mapping)
            for r in conn.execute(text("SELECT * FROM activities WHERE id > :a ORDER BY id"), {"a": since_activity})
        ]
        logged = [
            dict(r._mapping)
            for r in conn.execute(text("SELECT * FROM changes WHERE id > :c ORDER BY id"), {"c": since_change})
        ]
    for act in acts:
        act.pop("id")
    for change in logged:
        change.pop("id")
        change.pop("entity_id")
        after = change["after"]
        if isinstance(after, str):  # SQLite hands JSON back as text
            import json

            after = json.loads(after)
        change["after"] = {k: v for k, v in after.items() if k != "id"} if after else after
        change["after_keys"] = list(after) if after else None
    return acts, logged


def newest(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        a = conn.execute(text("SELECT coalesce(max(id), 0) FROM activities")).scalar_one()
        c = conn.execute(text("SELECT coalesce(max(id), 0) FROM changes")).scalar_one()
    return int(a), int(c)


def written_by(path: str, store: Store, login: str, **fields: Any) -> tuple[Any, list[Any], list[Any]]:
    """Log with one path; what it returned (or the refusal) and the rows it wrote."""
    start = newest(store)
    try:
        answer: Any = PATHS[path](store, login, **fields)
    except SalesSprintError as exc:
        answer = (type(exc), exc.message, getattr(exc, "field", None))
    acts, logged = rows(store, *start)
    if not isinstance(answer, tuple):
        assert logged[-1]["entity"] == "activity"
        answer = answer.model_dump(exclude={"id"})
    return answer, acts, logged


CASES = [
    pytest.param("rita", {"kind": "call"}, id="call"),
    pytest.param(
        "rita",
        {"kind": " Meeting ", "outcome": "booked a demo", "note": "line one\nline two"},
        id="meeting-with-outcome-and-note",
    ),
    pytest.param(
        "rita", {"kind": "email", "when": "2026-11-24T09:15"}, id="typed-time-in-team-zone"
    ),  # no zone: the team's
    pytest.param(
        "rita",
        {"kind": "demo", "when": "2026-11-24T09:15:00+05:30", "outcome": ""},
        id="time-with-offset-empty-outcome",
    ),
    pytest.param("max", {"kind": "call", "member": "rita"}, id="manager-for-rep"),
    pytest.param("max", {"kind": "call", "member": " rob "}, id="member-login-with-spaces"),
    pytest.param("rita", {"kind": "call", "deal": True}, id="on-a-deal"),
    # refusals
    pytest.param("rita", {"kind": "lunch"}, id="unknown-kind"),
    pytest.param("rita", {"kind": "call", "when": "2026-11-28T10:00:00+00:00"}, id="a-day-ahead"),
    pytest.param("rita", {"kind": "call", "when": "yesterday"}, id="unreadable-time"),
    pytest.param("rita", {"kind": "call", "outcome": "x" * 301}, id="outcome-too-long"),
    pytest.param("rita", {"kind": "call", "note": "bell\x07"}, id="control-character"),
    pytest.param("rita", {"kind": "call", "member": "rob"}, id="rep-for-teammate"),
    pytest.param("max", {"kind": "call", "member": "nobody"}, id="unknown-member"),
    pytest.param("rita", {"kind": "call", "deal_id": 999_999}, id="unknown-deal"),
    pytest.param("nobody", {"kind": "call"}, id="unknown-login"),
    pytest.param("gone", {"kind": "call"}, id="deactivated-login"),
]


def _fields(store: Store, fields: dict[str, Any], deal_id: int) -> dict[str, Any]:
    given = dict(fields)
    if given.pop("deal", False):
        given["deal_id"] = deal_id
    return given


@pytest.fixture
def logging_team(team_store: Store) -> Iterator[tuple[Store, int]]:
    with team_store.engine.begin() as conn:  # a time typed without a zone is the team's
        conn.execute(text("UPDATE teams SET timezone = 'America/Los_Angeles'"))
    add_member(team_store, "ada", login="gone", name="Gone Rep", role="rep")
    deactivate_member(team_store, "ada", "gone")
    deal = add_deal(team_store, "rita", title="Acme rollout", account="Acme", value="100")
    yield team_store, deal.id


@pytest.mark.parametrize(("login", "fields"), CASES)
def test_the_core_path_writes_what_the_orm_path_writes(
    logging_team: tuple[Store, int], login: str, fields: dict[str, Any]
) -> None:
    store, deal_id = logging_team
    given = _fields(store, fields, deal_id)
    orm = written_by("orm", store, login, **given)
    core = written_by("core", store, login, **given)
    assert core == orm
    answer, acts, logged = core
    if isinstance(answer, tuple):
        assert acts == [] and logged == []
    else:
        assert len(acts) == 1 and [c["entity"] for c in logged] == ["activity"]


def test_the_core_path_tells_the_change_feed(team_store: Store) -> None:
    """SQLite: the feed polls the newest change id, which is this log's change.
    PostgreSQL: one NOTIFY, on commit, naming the team and the change."""
    from salessprint.store.feed import CHANNEL, newest_change_id

    listener = None
    if team_store.backend == "postgresql":
        url = team_store.url
        listener = psycopg.connect(
            host=url.host, port=url.port, user=url.username, dbname=url.database, autocommit=True
        )
        listener.execute(f"LISTEN {CHANNEL}")
    try:
        heard: dict[str, list[str]] = {}
        for path in ("orm", "core"):
            view = PATHS[path](team_store, "rita", kind="call")
            with team_store.engine.connect() as conn:
                change_id, team_id = conn.execute(
                    text("SELECT id, team_id FROM changes WHERE entity = 'activity' AND entity_id = :a"), {"a": view.id}
                ).one()
                assert newest_change_id(conn, team_id) == change_id
            if listener is not None:
                got = [n.payload for n in listener.notifies(timeout=5, stop_after=1)]
                heard[path] = got
                assert got == [f"{team_id}:{change_id}"]
        if listener is not None:
            assert set(heard) == {"orm", "core"}
    finally:
        if listener is not None:
            listener.close()


def test_an_offline_store_refuses_both_alike(team_store: Store) -> None:
    team_store.offline = "test"
    try:
        refusals = []
        for path in ("orm", "core"):
            with pytest.raises(SalesSprintError) as caught:
                PATHS[path](team_store, "rita", kind="call")
            refusals.append((type(caught.value), caught.value.message))
    finally:
        team_store.offline = None
    assert refusals[0] == refusals[1]


# -- PostgreSQL, each member on their own login (row-level security) ---------

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def logins_store(pg_server: str) -> Iterator[tuple[str, dict[str, str], int]]:
    """A team whose members are real PostgreSQL logins (names unique to this run, dropped after)."""
    run = uuid.uuid4().hex[:8]
    database = f"salessprint_core_{run}"
    logins = {k: f"c{run}_{k}" for k in ("admin", "manager", "rep", "rep2")}
    _admin(f'CREATE DATABASE "{database}"')
    saved = os.environ.get(MANAGE_LOGINS)
    os.environ[MANAGE_LOGINS] = "1"
    try:
        setup = open_store(f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}", check_schema=False)
        init_team(setup, "Team A", logins["admin"])
        add_member(setup, logins["admin"], login=logins["manager"], name="Mia", role=Role.MANAGER)
        add_member(setup, logins["admin"], login=logins["rep"], name="Bob")
        add_member(setup, logins["admin"], login=logins["rep2"], name="Cy")
        deal = add_deal(setup, logins["rep"], title="Bob's deal", account="Acme", value="100")
        setup.dispose()
        yield database, logins, deal.id
    finally:
        os.environ[MANAGE_LOGINS] = saved if saved is not None else "0"
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for line in drop_lines(database):
            _admin(line)
        for login in logins.values():
            _admin(f'DROP ROLE IF EXISTS "{login}"')


LOGIN_CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    ("rep", None, {"kind": "call", "deal": True, "outcome": "reached"}),
    ("rep", "rep", {"kind": "meeting"}),
    ("manager", None, {"kind": "call", "member": "rep"}),
    ("rep2", None, {"kind": "call", "deal": True}),  # a teammate's deal: anyone may log on it
    ("rep", "rep2", {"kind": "call"}),  # --as someone else: refused by the connection's identity
    ("rep", None, {"kind": "call", "member": "rep2"}),  # for a teammate: refused by the permission check
]


@pytest.mark.postgres
def test_on_a_member_s_own_login_the_core_path_writes_what_the_orm_path_writes(
    logins_store: tuple[str, dict[str, str], int], frozen: object
) -> None:
    database, logins, deal_id = logins_store
    admin = open_store(f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}")
    try:
        for who, as_, fields in LOGIN_CASES:
            given = {k: logins.get(v, v) if k == "member" else v for k, v in fields.items()}
            if given.pop("deal", False):
                given["deal_id"] = deal_id
            own = open_store(f"postgresql+psycopg://{logins[who]}@127.0.0.1:5432/{database}")
            try:
                results = []
                for path in ("orm", "core"):
                    start = newest(admin)
                    try:
                        answer: Any = PATHS[path](own, logins[as_] if as_ else None, **given)
                        answer = answer.model_dump(exclude={"id"})
                    except SalesSprintError as exc:
                        answer = (type(exc), exc.message)
                    results.append((answer, *rows(admin, *start)))
            finally:
                own.dispose()
            assert results[1] == results[0], (who, as_, fields)
            answer, acts, logged = results[1]
            if isinstance(answer, tuple):
                assert acts == [] and logged == []
            else:
                actor = logins[who]
                with admin.engine.connect() as conn:
                    actor_id = conn.execute(text("SELECT id FROM members WHERE login = :l"), {"l": actor}).scalar_one()
                assert [c["actor_id"] for c in logged] == [actor_id]
    finally:
        admin.dispose()
