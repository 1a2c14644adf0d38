"""PostgreSQL's row-level security on `time_off` (migration 0010), with real
logins: a rep writes only their own days, a manager anyone's and the team's
holidays; everyone in the team reads them. Logins are unique to this run and
dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from salessprint.domain.enums import Role
from salessprint.domain.errors import PermissionDenied
from salessprint.services.capacity import add_time_off, list_time_off
from salessprint.services.members import add_member
from salessprint.services.team import init_team
from salessprint.services.uow import open_store
from salessprint.store.roles import drop_lines
from tests.store.test_roles import ADMIN_DSN, managing_logins

pytestmark = pytest.mark.postgres

INSERT = "INSERT INTO time_off (team_id, member_id, day, created_at) VALUES (%s, %s, %s, now())"


@dataclass
class Team:
    database: str
    logins: dict[str, str]
    ids: dict[str, int]

    def connect(self, who: str) -> psycopg.Connection:
        return psycopg.connect(f"host=127.0.0.1 port=5432 user={self.logins[who]} dbname={self.database}")

    def url_as(self, who: str) -> str:
        return f"postgresql+psycopg://{self.logins[who]}@127.0.0.1:5432/{self.database}"


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module")
def team(pg_server: str) -> Iterator[Team]:
    run = uuid.uuid4().hex[:8]
    database = f"salessprint_timeoff_{run}"
    logins = {k: f"t{run}_{k}" for k in ("admin", "manager", "rep", "rep2")}
    _admin(f'CREATE DATABASE "{database}"')
    try:
        with managing_logins():
            store = open_store(f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}", check_schema=False)
            init_team(store, "Team A", logins["admin"])
            add_member(store, logins["admin"], login=logins["manager"], name="Mia", role=Role.MANAGER)
            add_member(store, logins["admin"], login=logins["rep"], name="Bob")
            add_member(store, logins["admin"], login=logins["rep2"], name="Cy")
            store.dispose()
        ids: dict[str, int] = {}
        with psycopg.connect(ADMIN_DSN.replace("dbname=postgres", f"dbname={database}")) as conn:
            for who, login in logins.items():
                row = conn.execute("SELECT id, team_id FROM members WHERE login = %s", (login,)).fetchone()
                assert row is not None
                ids[who], ids["team"] = row
        yield Team(database, logins, ids)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for line in drop_lines(database):
            _admin(line)
        for login in logins.values():
            _admin(f'DROP ROLE IF EXISTS "{login}"')


def test_a_rep_cannot_add_a_day_off_for_another_rep(team: Team) -> None:
    # The service refuses with a clear message...
    store = open_store(team.url_as("rep"))
    try:
        with pytest.raises(PermissionDenied, match="only for their own"):
            add_time_off(store, team.logins["rep"], day="2026-12-02", member=team.logins["rep2"])
        assert add_time_off(store, team.logins["rep"], day="2026-12-02").who == "Bob"
    finally:
        store.dispose()
    # ... and the database itself, whatever the client sends.
    with team.connect("rep") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(INSERT, (team.ids["team"], team.ids["rep2"], "2026-12-03"))
    with team.connect("rep") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(INSERT, (team.ids["team"], None, "2026-12-03"))  # a team holiday


def test_a_manager_writes_anyones_days_and_holidays_and_a_rep_cannot_touch_them(team: Team) -> None:
    with team.connect("manager") as conn:
        conn.execute(INSERT, (team.ids["team"], team.ids["rep2"], "2026-12-07"))
        conn.execute(INSERT, (team.ids["team"], None, "2026-12-24"))
    with team.connect("rep") as conn:
        changed = conn.execute("DELETE FROM time_off WHERE day IN ('2026-12-07', '2026-12-24')").rowcount
        moved = conn.execute("UPDATE time_off SET day = '2026-12-08' WHERE day = '2026-12-07'").rowcount
        seen = conn.execute("SELECT count(*) FROM time_off WHERE day IN ('2026-12-07', '2026-12-24')").fetchone()
    assert (changed, moved) == (0, 0)
    assert seen is not None and seen[0] == 2  # the team reads them all
    store = open_store(team.url_as("rep2"))
    try:
        days = {t.day.isoformat() for t in list_time_off(store, team.logins["rep2"], member=team.logins["rep2"])}
    finally:
        store.dispose()
    assert {"2026-12-07", "2026-12-24"} <= days
