"""`init` and `db upgrade`: a new team in an empty store, and its schema."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from salessprint.cli import cli


def test_init_remembers_the_admin(team, isolated_env) -> None:
    config = (isolated_env / "config" / "config.toml").read_text()
    assert 'user = "ada"' in config
    out = team("member", "list", "--format", "json")  # no --as: the config says who I am
    assert out.exit_code == 0
    members = json.loads(out.output)["members"]
    assert [m["login"] for m in members] == ["ada", "mo", "rita"]
    assert members[2]["sales_role"] == "AE" and members[2]["started_on"] == "2026-10-01"


def test_db_upgrade_creates_then_reports_current(db_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", db_url, "db", "upgrade"], catch_exceptions=False)
    assert first.exit_code == 0 and "from empty to" in first.output
    second = runner.invoke(cli, ["--db", db_url, "db", "upgrade"], catch_exceptions=False)
    assert second.exit_code == 0 and "already at the newest schema" in second.output


def test_init_validates_its_arguments(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    bad_currency = CliRunner().invoke(cli, ["--db", db, "init", "--team", "T", "--admin", "a", "--currency", "EURO"])
    assert bad_currency.exit_code == 1 and "currency code" in bad_currency.output
    bad_tz = CliRunner().invoke(cli, ["--db", db, "init", "--team", "T", "--admin", "a", "--timezone", "Mars/Base"])
    assert bad_tz.exit_code == 1 and "timezone" in bad_tz.output
    ok = CliRunner().invoke(cli, ["--db", db, "init", "--team", "T", "--admin", "a"])
    assert ok.exit_code == 0
    again = CliRunner().invoke(cli, ["--db", db, "init", "--team", "T2", "--admin", "b"])
    assert again.exit_code == 1 and "already holds a team" in again.output
