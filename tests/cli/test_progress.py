"""Long commands show their progress on a terminal (rows done, rate, time
left) and nothing when their output is piped."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

from salessprint.cli.progress import Progress

MAVEN = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "crm-sales-opportunities" / "sales_pipeline.csv"
)


ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(shown: str) -> str:
    """What the terminal showed, without its colours and cursor moves."""
    return ESCAPES.sub("", shown)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_it_shows_rows_done_rate_and_time_left() -> None:
    screen = Tty()
    with Progress("Importing deals", stream=screen) as bar:
        for done in (0, 2000, 4000, 8800):
            bar(done, 8800)
    shown = plain(screen.getvalue())
    assert "Importing deals" in shown
    assert "8800/8800 rows" in shown
    assert "rows/s" in shown and "left" in shown


def test_piped_it_prints_nothing() -> None:
    plain = io.StringIO()
    with Progress("Importing deals", stream=plain) as bar:
        bar(0, 8800)
        bar(8800, 8800)
    assert plain.getvalue() == ""


def test_a_small_job_draws_no_bar() -> None:
    screen = Tty()
    with Progress("Restoring", stream=screen) as bar:
        bar(0, 40)
        bar(40, 40)
    assert screen.getvalue() == ""


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SALESSPRINT_CONFIG": str(tmp_path / "cfg.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "data"),
        "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00",
        "COLUMNS": "120",
    }


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal; what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed its end: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.stdout is not None
    proc.stdout.read()
    return proc.wait(timeout=60), plain(shown.decode("utf-8", "replace"))


@pytest.mark.skipif(not MAVEN.exists(), reason="shared data set not beside the repo")
def test_import_and_restore_show_progress_on_a_terminal_and_are_quiet_when_piped(tmp_path: Path) -> None:
    env = _env(tmp_path)
    cli = [sys.executable, "-m", "salessprint"]
    first = [*cli, "--db", str(tmp_path / "a.db"), "--as", "ada"]
    code, shown = _on_a_terminal([*first, "import", "deals", str(MAVEN), "--format", "maven", "--team", "T"], env)
    assert code == 0
    assert "Importing deals" in shown and "8800/8800 rows" in shown and "rows/s" in shown

    piped = [*cli, "--db", str(tmp_path / "b.db"), "--as", "ada", "import", "deals", str(MAVEN)]
    done = subprocess.run([*piped, "--format", "maven", "--team", "T"], env=env, capture_output=True, check=False)
    assert done.returncode == 0 and done.stderr == b""

    backup = tmp_path / "t.json"
    done = subprocess.run([*first, "export", str(backup)], env=env, capture_output=True, check=False)
    assert done.returncode == 0 and done.stderr == b""
    code, shown = _on_a_terminal([*cli, "--db", str(tmp_path / "c.db"), "restore", str(backup)], env)
    assert code == 0 and "Restoring" in shown and "rows/s" in shown


def test_export_and_demo_show_progress_on_a_terminal(tmp_path: Path) -> None:
    env = _env(tmp_path)
    cli = [sys.executable, "-m", "salessprint", "--db", str(tmp_path / "demo.db")]
    code, shown = _on_a_terminal([*cli, "demo", "--no-tui"], env)
    assert code == 0 and "Building the demo team" in shown and "7/7 steps" in shown
    code, shown = _on_a_terminal([*cli, "--as", "maria", "export", str(tmp_path / "demo.json")], env)
    assert code == 0 and "Exporting" in shown and "rows/s" in shown
