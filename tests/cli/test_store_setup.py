"""`init` and `db upgrade`: a new team in an empty store, and its schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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


@pytest.mark.postgres
def test_init_never_saves_a_password_in_the_config_file(pg_url: str, isolated_env: Path) -> None:
    with_password = pg_url.replace("postgres@", "postgres:not-needed@")  # trust auth ignores it
    out = CliRunner().invoke(cli, ["--db", with_password, "init", "--team", "T", "--admin", "ada"])
    assert out.exit_code == 0, out.output
    assert "~/.pgpass" in out.output
    config = (isolated_env / "config" / "config.toml").read_text()
    assert "not-needed" not in config and pg_url in config


@pytest.mark.postgres
def test_init_creates_the_admins_login_with_the_password_from_stdin(
    pg_url: str, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    import psycopg

    from salessprint.store.roles import MANAGE_LOGINS

    monkeypatch.setenv(MANAGE_LOGINS, "1")
    login = f"t{uuid.uuid4().hex[:8]}_ada"
    try:
        out = CliRunner().invoke(
            cli, ["--db", pg_url, "init", "--team", "T", "--admin", login, "--password-stdin"], input="s3cret\n"
        )
        assert out.exit_code == 0, out.output
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres") as conn:
            row = conn.execute(
                "SELECT rolcanlogin, rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s", (login,)
            )
            assert row.fetchone() == (True, True)
    finally:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{login}"')
