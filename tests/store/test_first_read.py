"""The first read (driver only) gives exactly what the store's reads give:
`load_context` for the header and `board` for the board, on SQLite and
PostgreSQL, on the demo store and on odd data; it answers None where it
cannot be sure, and it sees no more than the store's read would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import insert, select

from salessprint.domain.enums import Role
from salessprint.services import open_store
from salessprint.services.app_context import load_context
from salessprint.services.board import LANE_WINDOW, board
from salessprint.services.deals import add_deal
from salessprint.services.first_paint import board_of, context_of, first_read
from salessprint.services.members import add_member, deactivate_member
from salessprint.services.sprints import add_item, move_card, plan_sprint, remove_item, start_sprint
from salessprint.services.tasks import add_task, move_task
from salessprint.services.team import init_team
from salessprint.store import first_read as raw
from salessprint.store.db import LinkSettings, Store, parse_url
from salessprint.store.models import Member, Sprint, SprintItem, Task, Team
from salessprint.store.roles import MANAGE_LOGINS, drop_lines, role_names

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def url_of(store: Store) -> str:
    return store.url.render_as_string(hide_password=False)


def assert_same(store: Store, login: str, *, any_role: bool = True) -> None:
    """The first read of `login` equals the store's context and board (when it reads one)."""
    read = first_read(url_of(store), login, board=True, any_role=any_role)
    assert read is not None
    assert context_of(read) == load_context(store, login)
    if read.board is None:
        ctx = load_context(store, login)
        assert ctx.sprint is None or ctx.sprint.state != "active"
    else:
        assert board_of(read.board) == board(store, login)


def _odd_board(store: Store) -> None:
    """An active sprint with markup in titles and goal, deals with cents and
    accounts, tasks in every lane, a removed card and a lane past one window."""
    plan_sprint(store, "max", goal="[bold]Close[/bold] the [red]quarter[/]")
    for i, title in enumerate(["[link=x]Acme[/link] renewal", "Plain deal", "Bracket [ deal"]):
        deal = add_deal(store, "rita", title=title, account=f"[i]Account {i}[/i]", value=f"{1234 + i}.5{i}")
        add_item(store, "rita", "deal", deal.id)
    for i in range(5):
        task = add_task(store, "rob", title=f"[blue]Task[/blue] {i}", kind="call", points=i)
        add_item(store, "rob", "task", task.id)
    gone = add_task(store, "rita", title="Taken out", points=3)
    add_item(store, "rita", "task", gone.id)
    start_sprint(store, "max")
    remove_item(store, "max", "task", gone.id)
    tasks = [c for c in board(store, "max").lanes["todo"].cards if c.item_type == "task"]
    move_task(store, "rob", tasks[0].item_id, "doing")
    move_task(store, "rob", tasks[1].item_id, "done")
    deal_card = next(c for c in board(store, "max").lanes["todo"].cards if c.item_type == "deal")
    move_card(store, "rita", deal_card.id, "done")
    _many_cards(store, LANE_WINDOW + 7)


def _many_cards(store: Store, cards: int) -> None:
    """More task cards in to do than one window holds (rows written directly, as tests/services/test_board.py)."""
    with store.session() as s:
        team = s.scalar(select(Team.id))
        sprint = s.scalar(select(Sprint.id).where(Sprint.state == "active"))
        member = s.scalar(select(Member.id).where(Member.login == "max"))
        s.execute(
            insert(Task),
            [
                {"team_id": team, "title": f"Bulk {i}", "kind": "email", "assignee_id": member, "points": 1}
                | {"status": "todo", "backlog_rank": float(100 + i)}
                for i in range(cards)
            ],
        )
        ids = list(s.scalars(select(Task.id).where(Task.title.like("Bulk %")).order_by(Task.id)))
        s.execute(
            insert(SprintItem), [{"sprint_id": sprint, "task_id": t, "member_id": member, "points": 1} for t in ids]
        )
        s.commit()


def test_the_demo_store_reads_alike_for_the_manager_and_a_rep(demo_store: Store) -> None:
    assert_same(demo_store, "maria")
    read = first_read(url_of(demo_store), "maria", board=True)
    assert read is not None and read.board is not None and read.board.lanes["todo"].cards
    with demo_store.session() as s:
        reps = list(s.scalars(select(Member.login).where(Member.role == "rep").order_by(Member.id)))
    assert_same(demo_store, reps[0])
    rep_read = first_read(url_of(demo_store), reps[0], board=True)
    assert rep_read is not None and rep_read.board is None  # a rep opens on Today


def test_odd_data_reads_alike(team_store: Store) -> None:
    """On both backends: markup in titles, goal and accounts, cents, a removed
    card, cards in every lane, a lane with more than one window."""
    _odd_board(team_store)
    for login in ("max", "rita", "ada"):
        assert_same(team_store, login)
    read = first_read(url_of(team_store), "max", board=True)
    assert read is not None and read.board is not None
    todo = read.board.lanes["todo"]
    assert todo.more and len(todo.cards) == LANE_WINDOW
    assert any("[link=x]" in c.title for lane in read.board.lanes.values() for c in lane.cards)


def test_no_sprint_and_a_planned_sprint_read_alike(team_store: Store) -> None:
    assert_same(team_store, "max")
    plan_sprint(team_store, "max", goal="next week")
    task = add_task(team_store, "rita", title="Planned card", points=2)
    add_item(team_store, "rita", "task", task.id)
    assert_same(team_store, "max")
    read = first_read(url_of(team_store), "max", board=True)
    assert read is not None and read.sprint is not None and read.sprint["state"] == "planned"
    assert read.board is None  # the first screen is the backlog: no board is read


def test_unknown_or_inactive_members_and_unusual_urls_read_nothing(team_store: Store, tmp_path: Path) -> None:
    url = url_of(team_store)
    assert first_read(url, "nobody", board=True) is None
    deactivate_member(team_store, "ada", "rob")
    assert first_read(url, "rob", board=True) is None
    assert first_read(f"sqlite:///{tmp_path / 'missing.db'}", "max", board=True) is None
    assert first_read("sqlite:///:memory:", "max", board=True) is None
    assert first_read("mysql://x@y/z", "max", board=True) is None
    (tmp_path / "text.db").write_text("not a database")
    assert first_read(str(tmp_path / "text.db"), "max", board=True) is None


def test_a_bare_path_reads_the_same_file(team_store: Store) -> None:
    if team_store.backend != "sqlite":
        pytest.skip("a bare path is an SQLite file")
    assert team_store.file is not None
    read = first_read(str(team_store.file), "max", board=True)
    assert read is not None and context_of(read) == load_context(team_store, "max")
    assert raw.sqlite_file(str(team_store.file)) == team_store.file


def test_its_copies_of_the_stores_settings_are_the_stores() -> None:
    assert raw.LANE_WINDOW == LANE_WINDOW
    defaults = LinkSettings()
    assert {key: getattr(defaults, key) for key in LinkSettings.TCP_KEYS} == raw.TCP_DEFAULTS
    assert raw.OWN_KEYS == LinkSettings.OWN_KEYS
    assert defaults.statement_timeout == raw.STATEMENT_TIMEOUT
    for database in ("salessprint", "Weird Name-ÄÖ", "x" * 80, "___"):
        assert raw.owner_role(database) == role_names(database).owner


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:5432/db",
        "postgresql://bob:secret@db.example.com/sales",
        "postgresql+psycopg://bob@host/sales?statement_timeout=30&connect_timeout=2&sslmode=require",
        "postgresql+psycopg://bob@host:6543/sales?options=-c%20work_mem%3D4MB",
        "postgresql+psycopg://bob@host/sales?options=-cwork_mem=4MB&keepalives_idle=30",
        "postgresql+psycopg:///sales",
    ],
)
def test_postgresql_connections_get_the_stores_parameters(url: str) -> None:
    """What psycopg is given equals what the store's engine gives it (or the read is not attempted)."""
    params = raw.pg_connect_params(url)
    if "%" in url:
        assert params is None
        return
    assert params is not None
    parsed = parse_url(url)
    link = LinkSettings.from_url(parsed)
    engine_url = parsed.difference_update_query(LinkSettings.OWN_KEYS)
    expected = link.connect_args(engine_url.query)
    expected["dbname"] = parsed.database
    for key, value in (
        ("host", parsed.host),
        ("port", parsed.port),
        ("user", parsed.username),
        ("password", parsed.password),
    ):
        if value is not None:
            expected[key] = value
    assert params == expected


# --- PostgreSQL with members' own logins (row-level security) -----------------------


@pytest.fixture
def member_logins(pg_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A shared store whose members connect with their own PostgreSQL logins."""
    import os

    run = uuid.uuid4().hex[:8]
    logins = {k: f"t{run}_{k}" for k in ("admin", "manager", "rep", "rep2")}
    database = pg_url.rsplit("/", 1)[1]
    saved = os.environ.get(MANAGE_LOGINS)
    os.environ[MANAGE_LOGINS] = "1"
    try:
        store = open_store(pg_url, check_schema=False)
        init_team(store, "Shared [bold]Team[/]", logins["admin"])
        add_member(store, logins["admin"], login=logins["manager"], name="Mia", role=Role.MANAGER)
        add_member(store, logins["admin"], login=logins["rep"], name="Bob")
        add_member(store, logins["admin"], login=logins["rep2"], name="Cy")
        plan_sprint(store, logins["manager"], goal="[red]everything[/]")
        for who in ("rep", "rep2", "manager"):
            deal = add_deal(store, logins[who], title=f"{who}'s [i]deal[/i]", account="Acme", value="100.10")
            add_item(store, logins[who], "deal", deal.id)
            task = add_task(store, logins[who], title=f"{who}'s task", points=2)
            add_item(store, logins[who], "task", task.id)
        start_sprint(store, logins["manager"])
        store.dispose()
        yield pg_url.replace("postgres@", "{login}@"), logins
    finally:
        os.environ[MANAGE_LOGINS] = saved if saved is not None else "0"
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            for line in drop_lines(database):
                conn.execute(line)
            for login in logins.values():
                conn.execute(f'DROP ROLE IF EXISTS "{login}"')


@pytest.mark.postgres
def test_each_member_connected_as_themselves_reads_what_the_store_shows_them(
    member_logins: tuple[str, dict[str, str]],
) -> None:
    template, logins = member_logins
    for who in ("manager", "rep", "admin"):
        login = logins[who]
        store = open_store(template.format(login=login))
        try:
            assert_same(store, login)
            # Without --as a member is who they are connected as.
            read = first_read(url_of(store), None, board=True, any_role=True)
            assert read is not None and read.login == login
            assert context_of(read) == load_context(store, login)
            # A member may not act as another: the store refuses, the first read does not answer.
            other = logins["rep2"]
            assert first_read(url_of(store), other, board=True) is None
        finally:
            store.dispose()


def test_a_privileged_session_reads_as_the_member_it_names(team_store: Store) -> None:
    if team_store.backend != "postgresql":
        pytest.skip("identity is PostgreSQL's")
    assert first_read(url_of(team_store), None, board=True) is None  # the store asks "which member?"
    assert_same(team_store, "rita")


def test_the_first_read_is_a_handful_of_statements(team_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """The header is three statements, the board one per lane plus two."""
    _odd_board(team_store)
    if team_store.backend != "sqlite":
        pytest.skip("counted on SQLite")
    seen: list[str] = []
    rows = raw._Sqlite.rows

    def counted(self: Any, sql: str, params: Any = ()) -> list[Any]:
        seen.append(sql)
        return rows(self, sql, params)

    monkeypatch.setattr(raw._Sqlite, "rows", counted)
    assert first_read(url_of(team_store), "max", board=True) is not None
    assert len(seen) == 3 + 1 + 3 + 1
