"""Fixtures of the TUI tests: stores to open the app on, and a look at the
live watchers. The helpers that drive the app are in `tests/tui/harness.py`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet

from salessprint.services import open_store
from salessprint.services.changes import ChangeFeed
from salessprint.services.team import init_team


@pytest.fixture
def empty_team(tmp_path: Path, frozen: Any) -> Iterator[Any]:
    """A new team with no sprint at all, only its admin 'ada'."""
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}", check_schema=False)
    init_team(store, "Fresh Start GmbH", "ada", "Ada Admin")
    yield store
    store.dispose()


@pytest.fixture
def connected_feeds(monkeypatch: pytest.MonkeyPatch) -> list[ChangeFeed]:
    """The change feeds whose `connect()` has returned, in order: from then on
    that app's live watcher has its baseline (and listens, on PostgreSQL), so a
    change made next is announced to it. Tests wait on this, not on a pause."""
    feeds: list[ChangeFeed] = []
    connect = ChangeFeed.connect

    def recorded(feed: ChangeFeed) -> int:
        newest = connect(feed)
        feeds.append(feed)
        return newest

    monkeypatch.setattr(ChangeFeed, "connect", recorded)
    return feeds


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every full (re-)parse of a stylesheet, in order ('reparse' or 'parse')."""
    seen: list[str] = []
    reparse, parse = Stylesheet.reparse, Stylesheet.parse

    def counted_reparse(self: Stylesheet) -> None:
        seen.append("reparse")
        reparse(self)

    def counted_parse(self: Stylesheet) -> None:
        seen.append("parse")
        parse(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted_reparse)
    monkeypatch.setattr(Stylesheet, "parse", counted_parse)
    yield seen
