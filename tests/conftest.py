"""Shared fixtures: isolated config and data dir, a frozen clock, and stores
on both backends.

PostgreSQL tests use the server on 127.0.0.1:5432 (user postgres, trust auth),
each in a database of its own that is dropped afterwards. Without a server
they skip, except when CI is set: then they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from salessprint.domain import clock
from salessprint.store.roles import MANAGE_LOGINS, drop_lines

# PostgreSQL logins are the server's, not a database's: stores made by the
# tests must not create "ada" or "maria" on a shared server. Tests of the
# login roles turn this on around their own calls (tests/store/test_roles.py),
# with names unique to the run, and drop them.
os.environ[MANAGE_LOGINS] = "0"

PG_ADMIN_URL = os.environ.get("SALESSPRINT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FROZEN_NOW = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)  # a Thursday


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the stores this process built to copy (tests/templates.py)."""
    from tests import templates

    templates.cleanup()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data dir and identity never leak in from the developer's machine."""
    monkeypatch.setenv("SALESSPRINT_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("SALESSPRINT_DATA_DIR", str(tmp_path / "data"))
    for var in ("SALESSPRINT_DB", "SALESSPRINT_USER", "SALESSPRINT_THEME"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture
def frozen() -> Iterator[datetime]:
    with clock.freeze(FROZEN_NOW) as now:
        yield now


def _pg_available() -> bool:
    import psycopg

    try:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def pg_server() -> str:
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not answering on 127.0.0.1:5432 and CI is set: these tests must run.")
        pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards
    (`team_store` replaces it with a copy of the team's template: tests/templates.py)."""
    import psycopg

    name = f"salessprint_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for line in drop_lines(name):  # the store's group roles (store/roles.py)
                conn.execute(line)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def team_store(db_url: str, frozen: datetime):
    """A store holding a small team: admin 'ada', manager 'max', reps 'rita' and 'rob'."""
    from tests.templates import team_copy

    store = team_copy(db_url)  # tests/team_helpers.make_team's team, copied from a template
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store per test session (built with a frozen clock); copy before writing."""
    from salessprint.services import open_store
    from salessprint.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with clock.freeze(FROZEN_NOW):
        store = open_store(f"sqlite:///{path}", check_schema=False)
        build_demo(store, seed=7)
        store.dispose()
    return path


@pytest.fixture
def demo_store(demo_db_path: Path, tmp_path: Path, frozen: datetime):
    """A private, writable copy of the demo store, with the clock frozen."""
    import shutil

    from salessprint.services import open_store

    target = tmp_path / "demo.db"
    shutil.copy(demo_db_path, target)
    store = open_store(f"sqlite:///{target}")
    yield store
    store.dispose()
