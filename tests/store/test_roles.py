"""PostgreSQL itself enforces who may do what: each login acts as itself,
row-level security follows docs/permissions.md, and the audit log cannot be
forged. Every attempt here is raw SQL by a connection logged in as a real
role (created with a name unique to this run, dropped afterwards)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from salessprint.domain.enums import Role
from salessprint.services.deals import add_deal
from salessprint.services.members import add_member, deactivate_member, set_role
from salessprint.services.notes import add_note
from salessprint.services.retro import add_entry
from salessprint.services.sprints import plan_sprint, start_sprint
from salessprint.services.tasks import add_task
from salessprint.services.team import init_team
from salessprint.services.uow import open_store
from salessprint.store.roles import MANAGE_LOGINS, drop_lines, role_names, setup_lines

pytestmark = pytest.mark.postgres

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


@dataclass
class Shared:
    database: str
    url: str
    logins: dict[str, str]
    """rep, rep2, manager, admin, outsider -> this run's login."""
    ids: dict[str, int]

    def dsn(self, who: str) -> str:
        return f"host=127.0.0.1 port=5432 user={self.logins[who]} dbname={self.database}"

    def url_as(self, who: str) -> str:
        return f"postgresql+psycopg://{self.logins[who]}@127.0.0.1:5432/{self.database}"


def _admin(sql: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def managing_logins() -> Iterator[None]:
    """salessprint creates and grants login roles inside the block (tests/conftest.py turns it off)."""
    saved = os.environ.get(MANAGE_LOGINS)
    os.environ[MANAGE_LOGINS] = "1"
    try:
        yield
    finally:
        os.environ[MANAGE_LOGINS] = saved if saved is not None else "0"


@pytest.fixture
def logins_managed() -> Iterator[None]:
    with managing_logins():
        yield


@pytest.fixture(scope="module")
def shared(pg_server: str) -> Iterator[Shared]:
    run = uuid.uuid4().hex[:8]
    database = f"salessprint_roles_{run}"
    other = f"salessprint_roles_{run}_other"
    logins = {k: f"t{run}_{k}" for k in ("rep", "rep2", "manager", "admin", "outsider")}
    for name in (database, other):
        _admin(f'CREATE DATABASE "{name}"')
    try:
        with managing_logins():
            ids = _build_shared(database, other, logins)
        yield Shared(database, f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}", logins, ids)
    finally:
        for name in (database, other):
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for line in drop_lines(name):
                _admin(line)
        for login in logins.values():
            _admin(f'DROP ROLE IF EXISTS "{login}"')


def _build_shared(database: str, other: str, logins: dict[str, str]) -> dict[str, int]:
    """Team A (an admin, a manager, two reps, their deals, tasks, a sprint, a
    retro entry, a note) and Team B in another database (the outsider)."""
    store = open_store(f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}", check_schema=False)
    init_team(store, "Team A", logins["admin"])
    a = logins["admin"]
    add_member(store, a, login=logins["manager"], name="Mia", role=Role.MANAGER)
    add_member(store, a, login=logins["rep"], name="Bob")
    add_member(store, a, login=logins["rep2"], name="Cy")
    ids: dict[str, int] = {}
    for who in ("rep", "rep2", "manager", "admin"):
        ids[f"deal_{who}"] = add_deal(store, logins[who], title=f"{who}'s deal", account="Acme", value="100").id
        ids[f"task_{who}"] = add_task(store, logins[who], title=f"{who}'s task").id
    sprint = plan_sprint(store, logins["manager"])
    start_sprint(store, logins["manager"])
    ids["sprint"] = sprint.id
    ids["entry_rep2"] = add_entry(store, logins["rep2"], "went_well", "good week").id
    ids["note_rep2"] = add_note(store, logins["rep2"], "market news", deal_id=ids["deal_rep2"]).id
    with psycopg.connect(ADMIN_DSN.replace("dbname=postgres", f"dbname={database}")) as conn:
        for who in ("rep", "rep2", "manager", "admin"):
            row = conn.execute("SELECT id FROM members WHERE login = %s", (logins[who],)).fetchone()
            assert row is not None
            ids[who] = row[0]
    store.dispose()
    other_store = open_store(f"postgresql+psycopg://postgres@127.0.0.1:5432/{other}", check_schema=False)
    init_team(other_store, "Team B", logins["outsider"])
    other_store.dispose()
    return ids


def attempt(shared: Shared, who: str, sql: str) -> bool:
    """Run one statement as `who` and roll it back: True when PostgreSQL
    allowed it and it touched (or returned) at least one row."""
    params = dict(shared.ids)
    params.update({"me": shared.ids.get(who, 0)})
    with psycopg.connect(shared.dsn(who)) as conn:
        try:
            cur = conn.execute(sql.format(**params))
            if cur.description is not None:
                rows = cur.fetchall()
                allowed = bool(rows) and rows[0][0] not in (0, None)
            else:
                allowed = cur.rowcount > 0
        except psycopg.errors.InsufficientPrivilege:
            allowed = False
        finally:
            conn.rollback()
    return allowed


ROLES = ("rep", "manager", "admin", "outsider")
EVERYONE = {"rep": True, "manager": True, "admin": True, "outsider": False}
MANAGERS = {"rep": False, "manager": True, "admin": True, "outsider": False}
ADMINS = {"rep": False, "manager": False, "admin": True, "outsider": False}
NOBODY = {"rep": False, "manager": False, "admin": False, "outsider": False}


def copy_of(table: str, row: str, **changes: str) -> str:
    """An INSERT of a copy of one row (a fresh id, the changed columns)."""
    fields = ", ".join(f"'{k}', {v}" for k, v in changes.items())
    return (
        f"INSERT INTO {table} SELECT (jsonb_populate_record(t, jsonb_build_object('id', nextval('{table}_id_seq'),"
        f" {fields}))).* FROM {table} t WHERE id = {{{row}}}"
    )


MATRIX: list[tuple[str, str, dict[str, bool]]] = [
    ("see the team's deals", "SELECT count(*) FROM deals", EVERYONE),
    ("see the team's tasks, notes, activities, sprints", "SELECT count(*) FROM tasks, notes, sprints", EVERYONE),
    ("see the history", "SELECT count(*) FROM changes", EVERYONE),
    ("add a deal for myself", copy_of("deals", "deal_rep2", owner_id="{me}"), EVERYONE),
    ("add a deal for someone else", copy_of("deals", "deal_rep2", owner_id="{rep2}"), MANAGERS),
    ("edit a deal I own", "UPDATE deals SET value = 5 WHERE owner_id = {me}", EVERYONE),
    ("edit someone else's deal", "UPDATE deals SET value = 5 WHERE id = {deal_rep2}", MANAGERS),
    ("delete someone else's deal", "DELETE FROM deals WHERE id = {deal_rep2}", MANAGERS),
    ("reassign my deal to another member", "UPDATE deals SET owner_id = {rep2} WHERE owner_id = {me}", MANAGERS),
    (
        "add a collaborator to my deal",
        "INSERT INTO deal_collaborators (deal_id, member_id) SELECT id, {rep2} FROM deals WHERE owner_id = {me}",
        EVERYONE,
    ),
    ("edit my own task", "UPDATE tasks SET title = 'y' WHERE assignee_id = {me}", EVERYONE),
    ("edit someone else's task", "UPDATE tasks SET title = 'y' WHERE id = {task_rep2}", MANAGERS),
    (
        "log an activity for myself",
        "INSERT INTO activities (team_id, member_id, kind, occurred_at, created_at) SELECT team_id, {me}, 'call', now(), now()"
        " FROM members WHERE id = {me}",
        EVERYONE,
    ),
    (
        "log an activity for someone else",
        "INSERT INTO activities (team_id, member_id, kind, occurred_at, created_at) SELECT team_id, {rep2}, 'call', now(),"
        " now() FROM members WHERE id = {rep2}",
        MANAGERS,
    ),
    (
        "pull my own task into the sprint",
        "INSERT INTO sprint_items (sprint_id, task_id, member_id, points, status, added_after_start, added_at, version,"
        " item_type, item_ref) VALUES ({sprint}, {task_rep}, {me}, 1, 'todo', false, now(), 1, 'task', {task_rep})",
        {"rep": True, "manager": True, "admin": True, "outsider": False},
    ),
    (
        "put someone else's work into the sprint",
        "INSERT INTO sprint_items (sprint_id, task_id, member_id, points, status, added_after_start, added_at, version,"
        " item_type, item_ref) VALUES ({sprint}, {task_rep2}, {rep2}, 1, 'todo', false, now(), 1, 'task', {task_rep2})",
        MANAGERS,
    ),
    ("plan, start and close sprints", "UPDATE sprints SET state = 'closed' WHERE id = {sprint}", MANAGERS),
    (
        "set my own activity targets",
        "INSERT INTO targets (member_id, metric, period, amount, effective_from) VALUES ({me}, 'calls', 'day', 5,"
        " '2026-01-01')",
        EVERYONE,
    ),
    (
        "set targets for others",
        "INSERT INTO targets (member_id, metric, period, amount, effective_from) VALUES ({rep2}, 'calls', 'day', 5,"
        " '2026-01-01')",
        MANAGERS,
    ),
    (
        "write a retro entry",
        'INSERT INTO retro_entries (sprint_id, author_id, "column", text, created_at, version)'
        " VALUES ({sprint}, {me}, 'went_well', 'z', now(), 1)",
        EVERYONE,
    ),
    ("delete someone else's retro entry", "DELETE FROM retro_entries WHERE id = {entry_rep2}", MANAGERS),
    (
        "add a note on any deal",
        "INSERT INTO notes (team_id, author_id, deal_id, text, created_at) SELECT team_id, {me}, id, 'n', now()"
        " FROM deals WHERE id = {deal_rep2}",
        EVERYONE,
    ),
    ("edit someone else's note", "UPDATE notes SET text = 'forged' WHERE id = {note_rep2}", MANAGERS),
    (
        "add a member",
        "INSERT INTO members (team_id, login, name, role, active, created_at, version) SELECT team_id, 'evil',"
        " 'Evil', 'admin', true, now(), 1 FROM members WHERE id = {rep2}",
        ADMINS,
    ),
    ("change a role (my own, to admin)", "UPDATE members SET role = 'admin' WHERE id = {me}", ADMINS),
    ("deactivate a member", "UPDATE members SET active = false WHERE id = {rep2}", ADMINS),
    ("change the team's settings", "UPDATE teams SET currency = 'USD'", ADMINS),
    ("change the stages", "UPDATE stages SET probability = 1", ADMINS),
    ("delete from the change log", "DELETE FROM changes", NOBODY),
    ("edit the change log", "UPDATE changes SET before = NULL", NOBODY),
]


@pytest.mark.parametrize(("what", "sql", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("who", ROLES)
def test_postgresql_enforces_the_permission_matrix(
    shared: Shared, what: str, sql: str, allowed: dict[str, bool], who: str
) -> None:
    # "outsider" is the admin of another salessprint database on this server.
    assert attempt(shared, who, sql) is allowed[who], f"{who}: {what}"


def test_a_change_is_recorded_as_the_login_that_made_it(shared: Shared) -> None:
    with psycopg.connect(shared.dsn("rep")) as conn:
        actor = conn.execute(
            "INSERT INTO changes (team_id, actor_id, at, entity, entity_id, action, undone)"
            " SELECT team_id, %s, now(), 'deal', 1, 'update', true FROM members WHERE id = %s RETURNING actor_id, undone",
            (shared.ids["manager"], shared.ids["rep"]),
        ).fetchone()
        conn.rollback()
    assert actor == (shared.ids["rep"], False)


def test_undo_may_only_mark_my_own_change_undone(shared: Shared) -> None:
    with psycopg.connect(shared.dsn("rep")) as conn:
        mine = conn.execute(
            "UPDATE changes SET undone = true WHERE actor_id = %s AND NOT undone", (shared.ids["rep"],)
        ).rowcount
        theirs = conn.execute(
            "UPDATE changes SET undone = true WHERE actor_id <> %s AND NOT undone", (shared.ids["rep"],)
        ).rowcount
        conn.rollback()
    assert mine > 0 and theirs == 0


def _cli(shared: Shared, who: str, *args: str, tmp: Any) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(tmp),
        "XDG_CONFIG_HOME": str(tmp / "cfg"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "PATH": "/usr/bin",
    }
    return subprocess.run(
        [sys.executable, "-m", "salessprint", "--db", shared.url_as(who), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_a_rep_claiming_to_be_the_manager_is_refused_and_changes_nothing(shared: Shared, tmp_path: Any) -> None:
    result = _cli(shared, "rep", "--as", shared.logins["manager"], "sprint", "close", tmp=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: You are connected as {shared.logins['rep']}; --as {shared.logins['manager']} "
        f"would need {shared.logins['manager']}'s own login "
        "(drop --as, SALESSPRINT_USER or the config file's user = to act as yourself)."
    )
    with psycopg.connect(shared.dsn("admin")) as conn:
        state = conn.execute("SELECT state FROM sprints WHERE id = %s", (shared.ids["sprint"],)).fetchone()
    assert state == ("active",)


def test_without_as_a_member_acts_as_their_own_login(shared: Shared, tmp_path: Any) -> None:
    result = _cli(shared, "rep", "member", "list", "--format", "json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    result = _cli(shared, "rep", "log", "call", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"for {shared.logins['rep']}" in result.stdout


def test_roles_are_named_per_database() -> None:
    a, b = role_names("sales"), role_names("sales_")
    assert a.rep != b.rep and a.rep.startswith("ss_sales_") and a.rep.endswith("_rep")
    long = role_names("x" * 63)
    assert max(len(n) for n in (long.owner, *long.groups)) <= 63


def test_the_dba_lines_create_and_grant_every_role() -> None:
    lines = setup_lines("sales", [("bob", Role.REP)])
    names = role_names("sales")
    assert f'CREATE ROLE "{names.owner}" NOLOGIN;' in lines
    assert 'CREATE ROLE "bob" LOGIN;' in lines
    assert f'GRANT "{names.rep}" TO "bob";' in lines


def test_a_role_change_and_deactivation_move_the_grants(pg_url: str, logins_managed: None) -> None:
    run = uuid.uuid4().hex[:8]
    admin, bob = f"t{run}_admin", f"t{run}_bob"
    store = open_store(pg_url, check_schema=False)
    database = pg_url.rsplit("/", 1)[1]
    names = role_names(database)
    try:
        init_team(store, "T", admin)
        add_member(store, admin, login=bob, name="Bob")

        def groups() -> set[str]:
            with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={database}") as conn:
                return {
                    r[0]
                    for r in conn.execute(
                        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
                        " JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
                        (bob,),
                    )
                }

        assert groups() == {names.rep}
        set_role(store, admin, bob, "manager")
        assert groups() == {names.manager}
        deactivate_member(store, admin, bob)
        assert groups() == set()
        with psycopg.connect(f"host=127.0.0.1 port=5432 user={bob} dbname={database}") as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT count(*) FROM deals")
    finally:
        store.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for login in (admin, bob):
            _admin(f'DROP ROLE IF EXISTS "{login}"')


def test_restore_is_refused_to_a_member_login(shared: Shared, tmp_path: Any) -> None:
    from salessprint.domain.errors import PermissionDenied
    from salessprint.services.backup import restore

    store = open_store(shared.url_as("admin"), check_schema=False)
    try:
        with pytest.raises(PermissionDenied, match="only the database's owner may run it"):
            restore(store, tmp_path / "backup.json")
    finally:
        store.dispose()


def test_upgrading_an_old_store_creates_its_members_logins(pg_url: str, logins_managed: None) -> None:
    from alembic import command

    database = pg_url.rsplit("/", 1)[1]
    login = f"t{uuid.uuid4().hex[:8]}_old"
    store = open_store(pg_url, check_schema=False)
    try:
        command.upgrade(store.alembic_config(), "0004")
        with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={database}") as conn:
            conn.execute(
                "INSERT INTO teams (name, currency, timezone, week_start, sprint_weeks, rotting_days, demo,"
                " created_at, version) VALUES ('Old', 'EUR', 'UTC', 0, 1, 21, false, now(), 1)"
            )
            conn.execute(
                "INSERT INTO members (team_id, login, name, role, active, created_at, version)"
                " SELECT id, %s, 'Old Hand', 'rep', true, now(), 1 FROM teams",
                (login,),
            )
        report = store.upgrade()
        assert f"Created the login role {login} (rep)." in report
        with psycopg.connect(f"host=127.0.0.1 port=5432 user={login} dbname={database}") as conn:
            assert conn.execute("SELECT count(*) FROM members").fetchone() == (1,)
            assert conn.execute("UPDATE teams SET name = 'x'").rowcount == 0
    finally:
        store.dispose()
        _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        _admin(f'DROP ROLE IF EXISTS "{login}"')


def test_ssl_settings_pass_through_and_passwords_are_masked() -> None:
    from salessprint.store.db import Store

    store = Store(
        "postgresql://bob:s3cret@db.example.com/sales?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem"
        "&sslcert=/home/bob/.postgresql/bob.crt"
    )
    try:
        query = store.engine.url.query
        assert query["sslmode"] == "verify-full" and query["sslrootcert"] == "/etc/ssl/ca.pem"
        assert query["sslcert"] == "/home/bob/.postgresql/bob.crt"
        assert "s3cret" not in store.display_url and "***" in store.display_url
    finally:
        store.dispose()


def test_every_table_has_row_level_security(shared: Shared) -> None:
    """A table added later without policies would be open to every login: this names it."""
    with psycopg.connect(ADMIN_DSN.replace("dbname=postgres", f"dbname={shared.database}")) as conn:
        rows = conn.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'alembic_version'"
        ).fetchall()
    assert rows
    unguarded = [name for name, enabled, forced, policies in rows if not enabled or policies < 4]
    unforced = [name for name, _enabled, forced, _p in rows if not forced]
    assert unguarded == [] and unforced == ["members"]
