"""Connecting to a team database: every failure is one line saying what to do,
exit status 1, no traceback, and the password never shows."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from salessprint.store.roles import drop_lines

pytestmark = pytest.mark.postgres

SECRET = "s3cr3t-Pa55"
ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def free_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def one_line_error(url: str, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", url, "--as", "ada", *args])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert SECRET not in result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture
def empty_db(pg_server: str) -> Iterator[str]:
    name = f"salessprint_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for line in drop_lines(name):  # the store's group roles (store/roles.py)
                conn.execute(line)


def test_nothing_listening_on_the_port(pg_server: str) -> None:
    port = free_port()
    line = one_line_error(f"postgresql+psycopg://ada:{SECRET}@127.0.0.1:{port}/team", "member", "list")
    assert line == (
        f"Error: Cannot reach the database at postgresql+psycopg://ada:***@127.0.0.1:{port}/team: "
        "is the server running and the host and port right?"
    )


def test_unknown_host(pg_server: str) -> None:
    line = one_line_error(f"postgresql+psycopg://ada:{SECRET}@no-such-host.invalid/team", "member", "list")
    assert line.startswith("Error: Cannot reach the database at postgresql+psycopg://ada:***@no-such-host.invalid")


def test_wrong_user(pg_server: str) -> None:
    line = one_line_error(f"postgresql+psycopg://nobody_here:{SECRET}@127.0.0.1:5432/postgres", "member", "list")
    assert line == "Error: PostgreSQL has no user 'nobody_here' on 127.0.0.1."


def test_missing_database(pg_server: str) -> None:
    line = one_line_error(f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:5432/no_such_db_here", "deal", "list")
    assert line == (
        "Error: The database 'no_such_db_here' does not exist on 127.0.0.1; "
        "create it (createdb) and run 'salessprint db upgrade'."
    )


def test_empty_then_upgraded_database(empty_db: str) -> None:
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:5432/{empty_db}"
    line = one_line_error(url, "deal", "list")
    assert "has no salessprint data yet" in line and "postgres:***@" in line

    upgraded = CliRunner().invoke(cli, ["--db", url, "db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.output.startswith(
        f"Upgraded postgresql+psycopg://postgres:***@127.0.0.1:5432/{empty_db} from empty to "
    )
    assert SECRET not in upgraded.output
    again = CliRunner().invoke(cli, ["--db", url, "db", "upgrade"])
    assert "already at the newest schema" in again.output
    made = CliRunner().invoke(cli, ["--db", url, "init", "--team", "Field Sales", "--admin", "ada"])
    assert made.exit_code == 0, made.output
    listed = CliRunner().invoke(cli, ["--db", url, "--as", "ada", "member", "list", "--format", "csv"])
    assert listed.exit_code == 0 and "ada" in listed.output


def test_old_schema_says_to_upgrade(empty_db: str) -> None:
    url = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:5432/{empty_db}"
    assert CliRunner().invoke(cli, ["--db", url, "db", "upgrade"]).exit_code == 0
    with psycopg.connect(f"host=127.0.0.1 port=5432 user=postgres dbname={empty_db}", autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '20250101_0000'")
    line = one_line_error(url, "deal", "list")
    assert line == (
        f"Error: The database postgresql+psycopg://postgres:***@127.0.0.1:5432/{empty_db} uses an older "
        "schema: run 'salessprint db upgrade'."
    )


def test_config_file_url_and_a_real_process(tmp_path: Path, pg_server: str) -> None:
    """The URL may come from the config file; a real process prints one line on stderr."""
    port = free_port()
    config = tmp_path / "cfg.toml"
    config.write_text(f'db = "postgresql+psycopg://ada:{SECRET}@127.0.0.1:{port}/team"\nuser = "ada"\n')
    env = {**os.environ, "SALESSPRINT_CONFIG": str(config)}
    proc = subprocess.run(
        [sys.executable, "-m", "salessprint", "deal", "list"], capture_output=True, text=True, env=env, timeout=60
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        f"Error: Cannot reach the database at postgresql+psycopg://ada:***@127.0.0.1:{port}/team: "
        "is the server running and the host and port right?"
    ]


def test_unreachable_postgres_is_one_line_without_password(pg_server: str) -> None:
    result = CliRunner().invoke(
        cli, ["--db", "postgresql://rep:s3cret@127.0.0.1:1/sales", "--as", "x", "member", "list"]
    )
    assert result.exit_code == 1
    assert "Cannot reach the database" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output
