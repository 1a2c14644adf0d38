"""Where settings come from, and the db commands on both backends."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from salessprint.config import default_db_url, load_settings, save_settings
from salessprint.domain.errors import InvalidInput


def test_precedence_flag_then_env_then_file_then_default(monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> None:
    assert load_settings().db == default_db_url()
    assert str(isolated_env / "data") in load_settings().db
    save_settings(db="file.db", user="fromfile")
    assert (load_settings().db, load_settings().user) == ("file.db", "fromfile")
    monkeypatch.setenv("SALESSPRINT_DB", "env.db")
    monkeypatch.setenv("SALESSPRINT_USER", "fromenv")
    assert (load_settings().db, load_settings().user) == ("env.db", "fromenv")
    s = load_settings(db="flag.db", user="fromflag")
    assert (s.db, s.user) == ("flag.db", "fromflag")


def test_saving_keeps_other_keys(isolated_env: Path) -> None:
    save_settings(user="ada", theme="projector")
    save_settings(user="bob")
    assert (load_settings().user, load_settings().theme) == ("bob", "projector")


def test_a_broken_config_file_is_named(isolated_env: Path) -> None:
    path = isolated_env / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("user = [unclosed", encoding="utf-8")
    with pytest.raises(InvalidInput, match="config.toml is not valid TOML"):
        load_settings()
    result = CliRunner().invoke(cli, ["member", "list"])
    assert result.exit_code == 1 and "not valid TOML" in result.output


def test_db_upgrade_creates_then_reports_current(db_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", db_url, "db", "upgrade"], catch_exceptions=False)
    assert first.exit_code == 0 and "from empty to" in first.output
    second = runner.invoke(cli, ["--db", db_url, "db", "upgrade"], catch_exceptions=False)
    assert second.exit_code == 0 and "already at the newest schema" in second.output


def test_unreachable_postgres_is_one_line_without_password(pg_server: str) -> None:
    result = CliRunner().invoke(
        cli, ["--db", "postgresql://rep:s3cret@127.0.0.1:1/sales", "--as", "x", "member", "list"]
    )
    assert result.exit_code == 1
    assert "Cannot reach the database" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output


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


def test_hostile_titles_print_verbatim(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    runner.invoke(cli, ["--db", db, "init", "--team", "[bold]Team[/]", "--admin", "a"], catch_exceptions=False)
    for title in ("[bold]x[/bold]", "[/]", "[link=x]y"):
        assert (
            runner.invoke(cli, ["--db", db, "deal", "add", title, "--account", "[red]A", "--value", "1"]).exit_code == 0
        )
    out = runner.invoke(cli, ["--db", db, "deal", "list"]).output
    for title in ("[bold]x[/bold]", "[/]", "[link=x]y", "[red]A"):
        assert title in out
