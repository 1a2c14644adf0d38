"""Fixtures for the command line tests: a CLI runner on a fresh SQLite store, and a small team on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from tests.team_helpers import make_team


@pytest.fixture
def run(tmp_path: Path, frozen):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()

    def invoke(*args: str, as_: str | None = None):
        argv = ["--db", db, *(["--as", as_] if as_ else []), *args]
        return runner.invoke(cli, argv, catch_exceptions=False)

    invoke.db = db  # type: ignore[attr-defined]
    return invoke


@pytest.fixture
def team(run):
    assert run("init", "--team", "Acme Sales", "--admin", "ada", "--name", "Ada Admin").exit_code == 0
    assert run("member", "add", "mo", "--name", "Mo Manager", "--role", "manager").exit_code == 0
    assert (
        run("member", "add", "rita", "--name", "Rita Rep", "--sales-role", "AE", "--started", "2026-10-01").exit_code
        == 0
    )
    return run


@pytest.fixture
def sh(tmp_path, frozen):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    make_team(url).dispose()

    def invoke(login: str, *args: str):
        return CliRunner().invoke(cli, ["--db", url, "--as", login, *args])

    return invoke
