"""Opening the TUI: the shell runs at once, the store opens in its first worker,
and a start-up failure still ends as one line on stderr with status 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.app import App

from salessprint.cli import cli
from salessprint.services import open_store
from salessprint.services.team import init_team
from salessprint.tui.app import Opened, SalesSprintApp
from tests.tui.harness import until


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> list[SalesSprintApp]:
    """Run the app headless under click's runner; remember each app made."""
    apps: list[SalesSprintApp] = []

    def run(self: SalesSprintApp) -> Any:
        apps.append(self)
        return App.run(self, headless=True, size=(100, 30))

    monkeypatch.setattr(SalesSprintApp, "run", run)
    return apps


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tui.db'}"
    store = open_store(url, check_schema=False)
    init_team(store, "Acme Sales", "ada", "Ada Admin")
    store.dispose()
    return url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as", "nobody"], "'nobody' is not a member of this team"),
        (["--as", "ada", "--db", "sqlite:///{tmp}/empty.db"], "There is no salessprint store at"),
        (["--as", "ada", "--db", "postgresql://x:s3cret@127.0.0.1:1/team"], "Cannot reach the database"),
    ],
)
def test_a_start_up_failure_is_one_line_and_status_1(
    headless: list[SalesSprintApp], store_url: str, tmp_path: Path, args: list[str], message: str
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--db" not in argv:
        argv = ["--db", store_url, *argv]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output
    assert "Traceback" not in result.output and "s3cret" not in result.output
    assert headless and headless[0].fatal_error is not None  # the app ran, and said why it stopped


def test_an_old_schema_says_to_upgrade(headless: list[SalesSprintApp], store_url: str) -> None:
    store = open_store(store_url)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    store.dispose()
    result = CliRunner().invoke(cli, ["--db", store_url, "--as", "ada"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: The database {store_url} uses an older schema: run 'salessprint db upgrade'."
    ]


def test_the_app_opens_the_store_in_its_first_worker(store_url: str) -> None:
    import asyncio

    opened: list[Any] = []

    def connect() -> Any:
        opened.append(open_store(store_url))
        return Opened(opened[-1], "ada", "salessprint-light")

    app = SalesSprintApp(connect=connect)
    assert app.store is None

    async def body() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: app.team is not None and app.current_mode == "backlog")
            assert app.store is opened[0]
            assert app.team is not None and app.team.name == "Acme Sales"
            assert app.me is not None and app.me.login == "ada"
            assert app.login == "ada" and app.theme == "salessprint-light"

    asyncio.run(body())
    opened[0].dispose()


def test_opening_the_tui_imports_only_the_shell_before_it_runs(store_url: str, tmp_path: Path) -> None:
    """Until the app runs: no SQLAlchemy, no services, no screen module, no Alembic,
    no pydantic (the settings and the theme files are read in the first worker)."""
    probe = (
        "import sys\n"
        "from salessprint.tui.app import SalesSprintApp\n"
        "seen = {}\n"
        "def run(self, *a, **k):\n"
        "    seen['mods'] = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'pydantic', 'pydantic_settings') or m.startswith(('salessprint.services', 'salessprint.store', 'salessprint.tui.screens.')))\n"
        "SalesSprintApp.run = run\n"
        "from salessprint.cli import cli\n"
        f"cli(['--db', {store_url!r}, '--as', 'ada'], standalone_mode=False)\n"
        "print('MODS:' + ','.join(seen['mods']))\n"
    )
    env = {
        "SALESSPRINT_CONFIG": str(tmp_path / "c.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "d"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "MODS:\n" in done.stdout or done.stdout.rstrip().endswith("MODS:"), done.stdout
