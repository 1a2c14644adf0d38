"""Fixtures for the command line tests: a CLI runner on a fresh SQLite store, and a small team on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from salessprint.config import save_settings
from tests.templates import sqlite_copy, team_copy


@pytest.fixture
def run(tmp_path: Path, frozen):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()

    def invoke(*args: str, as_: str | None = None):
        argv = ["--db", db, *(["--as", as_] if as_ else []), *args]
        return runner.invoke(cli, argv, catch_exceptions=False)

    invoke.db = db  # type: ignore[attr-defined]
    return invoke


TEAM_COMMANDS = (
    ("init", "--team", "Acme Sales", "--admin", "ada", "--name", "Ada Admin"),
    ("member", "add", "mo", "--name", "Mo Manager", "--role", "manager"),
    ("member", "add", "rita", "--name", "Rita Rep", "--sales-role", "AE", "--started", "2026-10-01"),
)


def _build_team(path: Path) -> None:
    """The three commands of `team` on a store of their own (and a config file of their own)."""
    runner = CliRunner(env={"SALESSPRINT_CONFIG": str(path.with_suffix(".toml"))})
    for args in TEAM_COMMANDS:
        result = runner.invoke(cli, ["--db", f"sqlite:///{path}", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output


@pytest.fixture
def team(run):
    """`init` Acme Sales as ada, then `member add` mo (manager) and rita (rep):
    a copy of the store those commands make (tests/templates.py), and the
    config file `init` writes (it remembers ada and the store)."""
    db = Path(run.db.removeprefix("sqlite:///"))
    if sqlite_copy("cli-team", db, _build_team):
        save_settings(user="ada", db=run.db)
    else:
        for args in TEAM_COMMANDS:
            assert run(*args).exit_code == 0
    return run


@pytest.fixture
def sh(tmp_path, frozen):
    url = f"sqlite:///{tmp_path / 'team.db'}"
    team_copy(url).dispose()

    def invoke(login: str, *args: str):
        return CliRunner().invoke(cli, ["--db", url, "--as", login, *args])

    return invoke
