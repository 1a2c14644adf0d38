"""What the command line's hot commands import, so that it cannot creep back.

`salessprint log call` is a whole process for one insert: it runs on
SQLAlchemy Core (services/activities_core.py) and must not load the ORM, the
models' mappers, pydantic-settings, Alembic, Textual, Rich or another
command's module; on SQLite not psycopg either. `task move` and `deal move`
still write through the ORM, but load no Alembic, UI or settings machinery.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import test_activities_core

logins_store = test_activities_core.logins_store
"""The fixture of a team whose members are real PostgreSQL logins."""

SCRIPT = r"""
import sys
from salessprint.cli import MODULE_OF, cli

db, args = sys.argv[1], sys.argv[2:]
try:
    cli.main(["--db", db, *args], prog_name="salessprint", standalone_mode=False)
except SystemExit as exc:
    if exc.code:
        raise
watched = ("sqlalchemy.orm", "salessprint.store.models", "salessprint.store.lookups", "salessprint.services.uow",
           "pydantic_settings", "salessprint.config", "alembic", "mako", "textual", "rich", "psycopg")
loaded = {m for m in sys.modules for w in watched if m == w or m.startswith(w + ".")}
command = MODULE_OF[next(a for a in args if a in MODULE_OF)]
loaded |= (set(MODULE_OF.values()) - {command}) & set(sys.modules)
print("LOADED:" + ",".join(sorted({m if m in MODULE_OF.values() else next(w for w in watched if m == w or m.startswith(w + ".")) for m in loaded})))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        "SALESSPRINT_CONFIG": str(tmp_path / "cfg.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "data"),
        "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00",
        "SALESSPRINT_MANAGE_LOGINS": "0",
        "PATH": "/usr/bin:/bin",
    }


def loaded_by(tmp_path: Path, db: str, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, db, *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("LOADED:"), done.stdout
    return {m for m in last.removeprefix("LOADED:").split(",") if m}


def _store(url: str) -> tuple[int, int]:
    """A team (admin ada, rep rita) with one deal and one task; their ids."""
    from salessprint.services import open_store
    from salessprint.services.deals import add_deal
    from salessprint.services.members import add_member
    from salessprint.services.tasks import add_task
    from salessprint.services.team import init_team

    store = open_store(url, check_schema=False)
    init_team(store, "Lean", "ada", "Ada Admin")
    add_member(store, "ada", login="rita", name="Rita Rep", role="rep")
    deal = add_deal(store, "rita", title="Acme", account="Acme", value="100")
    task = add_task(store, "rita", title="Call Acme", kind="call")
    store.dispose()
    return deal.id, task.id


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def lean_store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, int, int]:
    url = f"sqlite:///{tmp_path / 'lean.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    return (url, *_store(url))


def test_log_call_loads_no_orm_no_settings_machinery_no_ui(lean_store: tuple[str, int, int], tmp_path: Path) -> None:
    url, deal_id, _ = lean_store
    loaded = loaded_by(tmp_path, url, "--as", "rita", "log", "call", "--outcome", "reached", "--deal", str(deal_id))
    expected = {"psycopg"} if url.startswith("postgresql") else set()
    assert loaded == expected


def test_task_and_deal_moves_load_no_orm_no_settings_machinery_no_ui(
    lean_store: tuple[str, int, int], tmp_path: Path
) -> None:
    url, deal_id, task_id = lean_store
    expected = {"psycopg"} if url.startswith("postgresql") else set()
    assert loaded_by(tmp_path, url, "--as", "rita", "task", "move", str(task_id), "done") == expected
    assert loaded_by(tmp_path, url, "--as", "rita", "deal", "move", str(deal_id), "Won") == expected


@pytest.mark.postgres
def test_log_call_on_a_member_s_own_login_without_as_loads_no_orm(
    logins_store: tuple[str, dict[str, str], int], tmp_path: Path
) -> None:
    """Who I am comes from the connection (no --as, no config): still no ORM."""
    database, logins, deal_id = logins_store
    url = f"postgresql+psycopg://{logins['rep']}@127.0.0.1:5432/{database}"
    assert loaded_by(tmp_path, url, "log", "call", "--deal", str(deal_id)) == {"psycopg"}


MAIN_SCRIPT = r"""
import gc, sys
from salessprint.cli import main

sys.argv = ["salessprint", "--db", sys.argv[1], *sys.argv[2:]]
try:
    main()
except SystemExit as exc:
    if exc.code:
        raise
print(f"GC:{gc.isenabled()}:{gc.get_freeze_count() > 0}")
"""


def test_the_collector_is_off_through_start_up_and_back_on_once_the_store_opens(
    lean_store: tuple[str, int, int], tmp_path: Path
) -> None:
    """`main` turns the garbage collector off for the imports; opening the
    store turns it back on with what was imported frozen (a long command,
    an import of 100,000 deals, collects its garbage as before)."""
    url, _, task_id = lean_store
    done = subprocess.run(
        [sys.executable, "-c", MAIN_SCRIPT, url, "--as", "rita", "task", "move", str(task_id), "doing"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "GC:True:True"
