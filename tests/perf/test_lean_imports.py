"""Start-up stays lean: a command imports what it needs, never Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = r"""
import sys
from salessprint.cli import cli

db = sys.argv[1]
for args in (["--db", db, "init", "--team", "Lean", "--admin", "ada"],
             ["--db", db, "--as", "ada", "log", "call", "--outcome", "reached"],
             ["--db", db, "--as", "ada", "report", "velocity"]):
    try:
        cli.main(args, prog_name="salessprint", standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"textual", "rich", "textual_plotext", "plotext"})
print("HEAVY:" + ",".join(heavy))
"""


def run(tmp_path: Path, script: str = SCRIPT) -> str:
    env = {
        "SALESSPRINT_CONFIG": str(tmp_path / "cfg.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "data"),
        "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "lean.db")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_log_and_report_commands_do_not_import_textual(tmp_path: Path) -> None:
    out = run(tmp_path)
    assert "Logged a call for ada" in out
    assert "HEAVY:\n" in out or out.rstrip().endswith("HEAVY:"), out


def test_services_import_no_ui() -> None:
    code = (
        "import sys, salessprint.services.reports.dashboard, salessprint.services.reports.review, salessprint.services.sprints, salessprint.services.deals;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


LOG_ONLY = r"""
import sys
from salessprint.cli import MODULE_OF, cli

cli.main(["--db", sys.argv[1], "--as", "ada", "log", "call", "--outcome", "reached"], prog_name="salessprint",
         standalone_mode=False)
other_commands = set(MODULE_OF.values()) - {MODULE_OF["log"]}
loaded = sorted({m for m in sys.modules if m.split(".")[0] in ("alembic", "mako", "textual")}
                | (other_commands & set(sys.modules)))
print("LOADED:" + ",".join(loaded))
"""


def test_log_call_loads_no_alembic_no_other_commands(tmp_path: Path) -> None:
    """The schema check is plain SQL, and the group imports only the module of
    the command that runs."""
    run(tmp_path)  # init (and a first log) on lean.db
    out = run(tmp_path, LOG_ONLY)
    assert "Logged a call for ada" in out
    assert out.rstrip().endswith("LOADED:"), out


SPRINT = r"""
import sys
from salessprint.services import open_store
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task

store = open_store(sys.argv[1])
plan_sprint(store, "ada", goal="[bold]lean[/]")
add_item(store, "ada", "task", add_task(store, "ada", title="Lean card one", points=2).id)
start_sprint(store, "ada")
store.dispose()
"""

FIRST_FRAME = r"""
import asyncio, sys, time
from salessprint.cli.tui import open_tui  # the command line's start path, as `salessprint` runs it
from salessprint.quick_settings import peek_settings
from salessprint.tui.app import Opened, SalesSprintApp

url = sys.argv[1]
HEAVY = {"sqlalchemy", "pydantic", "pydantic_settings", "psycopg", "alembic"}
seen = {}
start, first_paint = SalesSprintApp._start, SalesSprintApp._first_paint

def at_first_frame(self):
    seen.setdefault("loaded", sorted({m.split(".")[0] for m in sys.modules} & HEAVY))
    start(self)

def at_first_paint(self, themes, read):
    first_paint(self, themes, read)
    seen["cards"] = [c.title for lane in read.board.lanes.values() for c in lane.cards] if read and read.board else []
    seen["with data"] = sorted({m.split(".")[0] for m in sys.modules} & HEAVY)

SalesSprintApp._start, SalesSprintApp._first_paint = at_first_frame, at_first_paint

async def main():
    def connect():
        from salessprint.services import open_store
        return Opened(open_store(url), "ada")
    app = SalesSprintApp(connect=connect, first=peek_settings(url, "ada"))
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 60
        while app.team is None and app.fatal_error is None:
            assert time.monotonic() < deadline, "the app did not start"
            await pilot.pause(0.02)
        assert app.fatal_error is None, app.fatal_error
        await app.workers.wait_for_complete()
    app.store.dispose()

asyncio.run(main())
print("CARDS:" + ",".join(seen["cards"]))
print("WITH DATA:" + ",".join(seen["with data"]))
print("AT FIRST FRAME:" + ",".join(seen["loaded"]))
"""


def test_the_first_frame_with_data_comes_before_sqlalchemy_and_pydantic(tmp_path: Path) -> None:
    """The loading frame, then the header and the board's cards (read by the
    driver) are drawn before the ORM, pydantic and the settings are imported
    (the worker after them imports those)."""
    run(tmp_path)  # init (and a first log) on lean.db
    env = {
        "SALESSPRINT_CONFIG": str(tmp_path / "cfg.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "data"),
        "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00",
        "PATH": "/usr/bin:/bin",
    }
    url = f"sqlite:///{tmp_path / 'lean.db'}"
    subprocess.run([sys.executable, "-c", SPRINT, url], env=env, check=True, timeout=120, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, url], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-3:] == ["CARDS:Lean card one", "WITH DATA:", "AT FIRST FRAME:"], done.stdout


def test_theme_files_are_read_without_pydantic() -> None:
    code = (
        "import sys; from salessprint.tui.themes import load_themes; loaded = load_themes(None);"
        "assert loaded.themes and not loaded.failed, loaded.failed;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'sqlalchemy')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"
