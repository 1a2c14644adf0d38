"""Killed half way (SIGKILL), a whole-store build leaves the store exactly as
it was before or exactly as it is after: `restore`, an import into an empty
store, the demo rebuild and `sprint close`, on SQLite and PostgreSQL.

Each run is a process forked from the test (salessprint is imported already,
so a run starts at once) that kills itself at a named point of the build
(store/replace.py `kill_point`, SALESSPRINT_KILL_AT), or that the test kills
after a random part of the time a whole run takes. The store is then read
back table by table and compared with the dumps taken before and after a
run that was not killed.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select

from salessprint.domain import clock
from salessprint.services import open_store
from salessprint.services.backup import export_json, restore
from salessprint.services.demo import build_demo
from salessprint.services.importing import import_deals
from salessprint.services.sprints import close_sprint
from salessprint.store.db import Store
from salessprint.store.models import Base
from salessprint.store.replace import KILL_AT
from tests.conftest import FROZEN_NOW

PIPELINE = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "crm-sales-opportunities" / "sales_pipeline.csv"
)
BUILD_POINTS = ("build:schema", "build:data", "build:before-commit")
SQLITE_POINTS = ("replace:before-rename", "replace:after-rename")
Dump = dict[str, list[tuple[Any, ...]]] | None


def dump(url: str) -> Dump:
    """Every salessprint table's rows in key order (None: no store, or no schema)."""
    store = Store(url)
    if store.file is not None and not store.file.exists():
        return None
    engine = create_engine(store.url)
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            if "alembic_version" not in names:
                return None
            out: dict[str, list[tuple[Any, ...]]] = {
                "alembic_version": [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM alembic_version")]
            }
            for name, table in Base.metadata.tables.items():
                order = list(table.primary_key.columns)
                out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
            return out
    finally:
        engine.dispose()
        store.dispose()


def _child(point: str | None, call: Callable[[], object]) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            if point is not None:
                os.environ[KILL_AT] = point
            with clock.freeze(FROZEN_NOW):
                call()
        except BaseException:
            code = 3
        os._exit(code)
    return pid


def killed_at(point: str, call: Callable[[], object]) -> None:
    """Run `call` in a child that kills itself at `point`; it must get there."""
    _, status = os.waitpid(_child(point, call), 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"never reached {point}"


def killed_after(seconds: float, call: Callable[[], object]) -> None:
    """Run `call` in a child and kill it `seconds` later (or let it finish)."""
    pid = _child(None, call)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.005)  # polling the child: the kill lands at the drawn moment
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def timed(call: Callable[[], object]) -> float:
    """Seconds a whole, unkilled run takes in a child."""
    started = time.monotonic()
    _, status = os.waitpid(_child(None, call), 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return time.monotonic() - started


def points(url: str) -> tuple[str, ...]:
    return BUILD_POINTS + (SQLITE_POINTS if url.startswith("sqlite") else ())


def _kill_everywhere(
    url: str, call: Callable[[], object], before: Dump, reset: Callable[[], None], randoms: int = 2
) -> tuple[list[str], Dump]:
    """Run `call` whole once (the store after it is `after`, and its time
    bounds the random moments), then kill it at each point and at random
    moments: the store is always `before` or `after` (reset to `before`
    when it was `after`). The outcomes, and `after`."""
    outcomes: list[str] = []
    seconds = timed(call)
    after = dump(url)
    assert after is not None and after != before
    reset()
    rng = random.Random(13)
    runs: list[tuple[str, str | float]] = [(p, p) for p in points(url)]
    for _ in range(randoms):
        at = rng.uniform(0.05, 0.95) * seconds
        runs.append((f"after {at:.2f} s", at))
    for what, where in runs:
        if isinstance(where, str):
            killed_at(where, call)
        else:
            killed_after(where, call)
        state = dump(url)
        assert state in (before, after), f"killed at {what}: the store is neither as before nor as after"
        outcomes.append("after" if state == after else "before")
        if state == after:
            reset()
    return outcomes, after


@pytest.fixture(scope="module")
def backup_file(tmp_path_factory: pytest.TempPathFactory, demo_db_path: Path) -> Path:
    """The demo team's backup (one per module: the tests only read it)."""
    store = open_store(f"sqlite:///{demo_db_path}")
    path = tmp_path_factory.mktemp("backup") / "demo.json"
    with clock.freeze(FROZEN_NOW):
        export_json(store, "maria", path)
    store.dispose()
    return path


def _clear(url: str) -> Callable[[], None]:
    """Back to an empty store (no file, or a database without tables)."""

    def reset() -> None:
        store = Store(url)
        if store.file is not None:
            store.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{store.file}{suffix}").unlink(missing_ok=True)
            return
        with store.engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        store.dispose()

    return reset


def test_a_killed_restore_leaves_the_store_empty_or_restored(db_url: str, backup_file: Path) -> None:
    before = dump(db_url)
    assert before is None

    def run() -> None:
        restore(Store(db_url), backup_file)

    outcomes, _after = _kill_everywhere(db_url, run, before, _clear(db_url))
    assert outcomes[: len(BUILD_POINTS) + 1] == ["before"] * (len(BUILD_POINTS) + 1)


@pytest.mark.skipif(not PIPELINE.exists(), reason="shared data set not beside the repo")
def test_a_killed_import_into_an_empty_store_leaves_it_empty_or_imported(db_url: str) -> None:
    def run() -> None:
        import_deals(Store(db_url), "ada", PIPELINE, "maven", team_name="Imported")

    outcomes, _after = _kill_everywhere(db_url, run, None, _clear(db_url))
    assert outcomes[: len(BUILD_POINTS)] == ["before"] * len(BUILD_POINTS)


def _demo(url: str, demo_db_path: Path) -> None:
    """The demo team (seed 7, the frozen clock) in the empty store at `url`:
    on SQLite a copy of the session's demo store, which was built so."""
    store = Store(url)
    store.dispose()
    if store.file is not None:
        shutil.copyfile(demo_db_path, store.file)
        return
    with clock.freeze(FROZEN_NOW):
        store = open_store(url, check_schema=False)
        build_demo(store, seed=7)
        store.dispose()


def test_a_killed_demo_rebuild_keeps_the_previous_demo_or_the_new_one(
    db_url: str, demo_db_path: Path, request: pytest.FixtureRequest
) -> None:
    _demo(db_url, demo_db_path)
    before = dump(db_url)
    assert before is not None and before["teams"]
    old = _snapshot(db_url, request)  # back to the previous demo

    def run() -> None:
        build_demo(Store(db_url), seed=3)

    outcomes, after = _kill_everywhere(db_url, run, before, old)
    assert outcomes[: len(BUILD_POINTS)] == ["before"] * len(BUILD_POINTS)
    assert after is not None and after["teams"]


def test_a_killed_sprint_close_leaves_the_sprint_open_or_closed(
    db_url: str, demo_db_path: Path, request: pytest.FixtureRequest
) -> None:
    _demo(db_url, demo_db_path)
    before = dump(db_url)

    def run() -> None:
        close_sprint(Store(db_url), "maria", carry_over=True)

    _, status = os.waitpid(_child("uow:before-commit", run), 0)
    assert os.WIFSIGNALED(status), "never reached the commit"
    assert dump(db_url) == before
    saved = _snapshot(db_url, request)
    seconds = timed(run)
    after = dump(db_url)
    assert after != before
    saved()  # back to the open sprint
    assert dump(db_url) == before
    rng = random.Random(5)
    for _ in range(4):
        killed_after(rng.uniform(0.1, 0.9) * seconds, run)
        state = dump(db_url)
        assert state in (before, after)
        # Back to the saved store either way: a run killed before its commit
        # still advanced PostgreSQL's sequences (they are not transactional),
        # and the next run's rows would then carry other ids than `after`'s.
        saved()


def _snapshot(url: str, request: pytest.FixtureRequest) -> Callable[[], None]:
    """A way back to the store as it is now: a copy of the file, or a
    template database on PostgreSQL."""
    store = Store(url)
    store.dispose()
    if store.file is not None:
        copy = store.file.read_bytes()

        def back_sqlite() -> None:
            assert store.file is not None
            for suffix in ("-wal", "-shm"):
                Path(f"{store.file}{suffix}").unlink(missing_ok=True)
            store.file.write_bytes(copy)

        return back_sqlite
    import psycopg

    name = store.url.database
    saved = f"{name}_saved"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{saved}" TEMPLATE "{name}"')

    def drop_saved() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{saved}" WITH (FORCE)')

    request.addfinalizer(drop_saved)

    def back_pg() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{saved}"')

    return back_pg


def test_the_kill_hook_works_in_a_real_command(db_url: str, backup_file: Path, tmp_path: Path) -> None:
    """`salessprint restore` run as a user runs it, with SALESSPRINT_KILL_AT set:
    the process dies at the point (SIGKILL), and the store is still empty."""
    import subprocess
    import sys

    env = {
        **os.environ,
        "SALESSPRINT_CONFIG": str(tmp_path / "cfg.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "data"),
        KILL_AT: "build:data",
    }
    argv = [sys.executable, "-m", "salessprint", "--db", db_url, "restore", str(backup_file)]
    done = subprocess.run(argv, env=env, capture_output=True, check=False, timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert dump(db_url) is None
    del env[KILL_AT]
    done = subprocess.run(argv, env=env, capture_output=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    state = dump(db_url)
    assert state is not None and state["teams"]
