"""The report tests' stores: the story (story.py) and the empty small team, each built
once per backend and only read, and a fresh small team for tests that write."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import psycopg
import pytest

from salessprint.domain import clock
from salessprint.store.db import Store
from salessprint.store.roles import drop_lines
from tests.services.reports.story import build_story, small_team

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _shared_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, build: Callable[[Store], None]
) -> Iterator[Store]:
    """A small team on the requested backend, built by `build` under the frozen clock, for the session."""
    if request.param == "sqlite":
        url, name = f"sqlite:///{tmp_path_factory.mktemp('reports') / 'store.db'}", None
    else:
        request.getfixturevalue("pg_server")
        name = f"salessprint_test_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with clock.freeze(datetime(2026, 11, 26, 10, 30, tzinfo=UTC)):
        store = small_team(url)
        build(store)
    yield store
    store.dispose()
    if name:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for line in drop_lines(name):  # the store's group roles (store/roles.py)
                conn.execute(line)


@pytest.fixture(scope="session", params=BACKENDS)
def story_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The story, built once per backend for the whole session (tests only read it)."""
    yield from _shared_store(request, tmp_path_factory, build_story)


@pytest.fixture
def story(story_store: Store, frozen: datetime) -> Store:
    return story_store


@pytest.fixture(scope="session", params=BACKENDS)
def empty_team_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The small team with nothing logged, planned or sold, once per backend (tests only read it)."""
    yield from _shared_store(request, tmp_path_factory, lambda store: None)


@pytest.fixture
def empty_team(empty_team_store: Store, frozen: datetime) -> Store:
    return empty_team_store


@pytest.fixture
def team_store(db_url: str, frozen: datetime) -> Iterator[Store]:
    """A fresh small team of its own, for a test that writes."""
    store = small_team(db_url)
    yield store
    store.dispose()
