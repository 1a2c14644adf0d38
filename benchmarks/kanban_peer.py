"""The kanban-tui peer: the same task count as the board, in its own virtual environment.

kanban-tui (PyPI `kanban-tui`, pinned to `VERSION`) is installed on first use
into `bench/peers/kanban-tui/` (git-ignored), never into salessprint's venv.
Its board is a SQLite file of its own format: kanban-tui's own code makes the
empty database and first board (`init_new_db`, `init_first_board`, run in its
venv), then `write_tasks` inserts one task per card of the store's active
sprint (same title, its lane as the column: todo → Ready, doing → Doing,
done → Done) in one transaction. Config, data and home point at a scratch
folder, never the user's.

It is launched like the other apps (a detached tmux pane of the same size,
after a minimal Textual launch of its own) and its first frame showing a task
title is recorded with the CPU time and peak memory by then. Up to
`EACH_LAUNCH_UP_TO` tasks it is launched once per TUI run; above, once per
store size (the issue measured 137 s at 10,000 tasks). Past the timeout the
figure is "timed out after N s", and an install that fails is "not measured:
why", never a number.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import ANCHOR, ROOT
from benchmarks.terminal import Pane, cpu_seconds, memory_of

VERSION = "0.21.2"
PEER_DIR = ROOT / "bench" / "peers" / "kanban-tui"
EACH_LAUNCH_UP_TO = 500
"""Boards of at most this many tasks are launched once per TUI run; larger ones once per store size."""
DEFAULT_TIMEOUT = 180.0
"""Seconds to wait for its first task title (`--kanban-timeout`): above the 137 s measured by hand at
10,000 tasks, so a quiet large run gets a figure; a busy one says "timed out after 180 s"."""
INSTALL_TIMEOUT = 600.0
COLUMN_OF_STATUS = {"todo": "Ready", "doing": "Doing", "done": "Done"}
"""kanban-tui's default board columns (its DEFAULT_COLUMN_DICT, Archive hidden) for the card lanes."""
TASK_COLUMNS = ("title", "column", "creation_date", "start_date", "finish_date", "description", "metadata", "position")
WATCHED_PER_COLUMN = 5
"""The first tasks of each column whose title counts as "a task on screen"."""

INIT_BOARD = (
    "import sys\n"
    "from kanban_tui.backends.sqlite.database import init_first_board, init_new_db\n"
    "init_new_db(database=sys.argv[1])\n"
    "init_first_board(database=sys.argv[1])\n"
)


class PeerError(Exception):
    """kanban-tui could not be installed or its board written: said as "not measured: ..."."""


@dataclass
class KanbanPeer:
    """What one store size's run needs to launch kanban-tui, and whether it was launched for this size."""

    timeout: float = DEFAULT_TIMEOUT
    measured_in: str | None = None
    """The backend whose run launched it, once a large board was measured (once per size)."""
    python: Path | None = None
    unavailable: str | None = None


@dataclass
class KanbanLaunch:
    tasks: int
    minimal_s: float | None = None
    minimal_cpu_s: float | None = None
    first_task_s: float | None = None
    cpu_s: float | None = None
    peak_rss_kb: int | None = None
    timed_out_s: float | None = None
    load_average: list[float] = field(default_factory=list)
    note: str | None = None


def venv_python(folder: Path = PEER_DIR) -> Path:
    return folder / "bin" / "python"


def ensure_installed(folder: Path = PEER_DIR, log: Callable[[str], None] = print) -> Path:
    """kanban-tui's venv, created and pinned on first use; its python. PeerError if it cannot be."""
    python = venv_python(folder)
    stamp = folder / f".installed-{VERSION}"
    if stamp.exists() and python.exists():
        return python
    log(f"    installing kanban-tui {VERSION} into {folder} (first use)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    steps = (
        [sys.executable, "-m", "venv", "--clear", str(folder)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"kanban-tui=={VERSION}"],
    )
    for argv in steps:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PeerError(f"kanban-tui {VERSION} could not be installed: {exc}") from exc
        if done.returncode != 0:
            errors = [line for line in done.stderr.splitlines() if line.strip() and "WARNING" not in line]
            last = errors[-1].strip() if errors else f"exit {done.returncode}"
            raise PeerError(f"kanban-tui {VERSION} could not be installed: {last[:200]}")
    stamp.write_text(f"kanban-tui=={VERSION}\n")
    return python


def peer_env(workdir: Path) -> dict[str, str]:
    """kanban-tui's config, data and home all inside `workdir`."""
    return {
        "HOME": str(workdir / "home"),
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        "KANBAN_TUI_CONFIG_FILE": str(workdir / "config" / "kanban_tui" / "config.toml"),
        "KANBAN_TUI_DATABASE_FILE": str(workdir / "data" / "kanban_tui" / "kanban_tui.db"),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
    }


def active_cards(counter: Any) -> list[tuple[str, str]]:
    """(title, lane) of every card of the store's active sprint, in the board's order."""
    rows = counter.rows(
        "SELECT coalesce(t.title, d.title, i.title), i.status FROM sprint_items i "
        "JOIN sprints s ON s.id = i.sprint_id LEFT JOIN tasks t ON t.id = i.task_id "
        "LEFT JOIN deals d ON d.id = i.deal_id "
        "WHERE s.state = 'active' AND i.removed_at IS NULL ORDER BY i.id"
    )
    return [(str(title), str(status)) for title, status in rows if title]


def write_tasks(database: Path, cards: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Insert one kanban-tui task per card into an initialised kanban-tui database
    (its first board); the titles of each column, in the order kanban-tui shows them."""
    con = sqlite3.connect(database)
    try:
        have = {row[1] for row in con.execute("PRAGMA table_info(tasks)")}
        missing = [c for c in TASK_COLUMNS if c not in have]
        if missing:
            raise PeerError(f"kanban-tui's tasks table has no {', '.join(missing)} (not version {VERSION}'s schema)")
        columns = dict(
            con.execute(
                "SELECT name, column_id FROM columns WHERE board_id = (SELECT min(board_id) FROM boards)"
            ).fetchall()
        )
        absent = [name for name in COLUMN_OF_STATUS.values() if name not in columns]
        if absent:
            raise PeerError(f"kanban-tui's first board has no column {', '.join(absent)}")
        created = ANCHOR.replace(tzinfo=None).isoformat()
        by_column: dict[str, list[str]] = {name: [] for name in COLUMN_OF_STATUS.values()}
        rows = []
        for title, status in cards:
            name = COLUMN_OF_STATUS.get(status, "Ready")
            started = created if name != "Ready" else None
            finished = created if name == "Done" else None
            rows.append((title, columns[name], created, started, finished, "", "{}", len(by_column[name])))
            by_column[name].append(title)
        placeholders = ", ".join("?" * len(TASK_COLUMNS))
        quoted = ", ".join(f'"{c}"' for c in TASK_COLUMNS)
        with con:
            con.executemany(f"INSERT INTO tasks ({quoted}) VALUES ({placeholders})", rows)
        return by_column
    finally:
        con.close()


def make_board(python: Path, workdir: Path, cards: list[tuple[str, str]]) -> dict[str, list[str]]:
    """kanban-tui's own empty database and first board in `workdir`, then the cards as its tasks."""
    env = {**os.environ, **peer_env(workdir)}
    database = Path(env["KANBAN_TUI_DATABASE_FILE"])
    database.parent.mkdir(parents=True, exist_ok=True)
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(python), "-c", INIT_BOARD, str(database)], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise PeerError(f"kanban-tui could not make its database: {done.stderr.strip()[-200:]}")
    return write_tasks(database, cards)


def watched_titles(by_column: dict[str, list[str]]) -> list[str]:
    """The starts of the first titles of each column: one on screen means the board has its tasks."""
    return [title[:14] for titles in by_column.values() for title in titles[:WATCHED_PER_COLUMN]]


def launch(python: Path, cards: list[tuple[str, str]], timeout: float) -> KanbanLaunch:
    """One launch of kanban-tui on a fresh board of `cards`, until a task title shows."""
    run = KanbanLaunch(tasks=len(cards), load_average=[round(x, 2) for x in os.getloadavg()])
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        by_column = make_board(python, workdir, cards)
        titles = watched_titles(by_column)
        pane = Pane([str(python.parent / "ktui")], peer_env(workdir), cwd=workdir)
        try:
            seen = pane.wait_for(lambda text: any(t in text for t in titles), timeout=timeout)
            pid = pane.pid()
            if pid:
                run.cpu_s = cpu_seconds(pid)
                run.peak_rss_kb = memory_of(pid).get("VmHWM")
            if seen is not None:
                run.first_task_s = round(seen - pane.started, 3)
            elif pane.dead():
                run.note = "kanban-tui exited before showing a task: " + pane.capture().strip()[-200:]
            else:
                run.timed_out_s = timeout
        finally:
            pane.send("q")
            pane.close()
    return run


def prepare(peer: KanbanPeer, cards: list[tuple[str, str]], runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    """What one backend's TUI run does with kanban-tui: `planned` launches (one per run on a small
    board, one per size on a large one), or why none ("not_measured", or "measured_in" another run)."""
    out: dict[str, Any] = {"version": VERSION, "tasks": len(cards), "launches": [], "planned": 0}
    out["once_per_size"] = len(cards) > EACH_LAUNCH_UP_TO
    if not cards:
        out["not_measured"] = "the store has no active sprint with cards"
        return out
    if peer.measured_in is not None:
        out["measured_in"] = peer.measured_in
        return out
    if peer.python is None and peer.unavailable is None:
        try:
            peer.python = ensure_installed(log=log)
        except PeerError as exc:
            peer.unavailable = str(exc)
            log(f"    kanban-tui not measured: {exc}")
    if peer.python is None:
        out["not_measured"] = peer.unavailable
        return out
    out["planned"] = 1 if out["once_per_size"] else runs
    return out


def pair(
    peer: KanbanPeer,
    backend: str,
    cards: list[tuple[str, str]],
    out: dict[str, Any],
    minimal: Callable[[], tuple[float | None, float | None]],
    log: Callable[[str], None],
) -> None:
    """The minimal app, then kanban-tui just after it: one launch into `out["launches"]`."""
    if peer.python is None or len(out["launches"]) >= out["planned"]:
        return
    m, m_cpu = minimal()
    try:
        run = launch(peer.python, cards, peer.timeout)
    except (PeerError, sqlite3.Error, OSError) as exc:
        out["not_measured"], out["planned"] = str(exc), 0
        log(f"    kanban-tui not measured: {exc}")
        return
    run.minimal_s, run.minimal_cpu_s = m, m_cpu
    out["launches"].append(run.__dict__)
    if out["once_per_size"]:
        peer.measured_in = backend
    shown = f"timed out after {run.timed_out_s:g} s" if run.timed_out_s else f"{run.first_task_s} s"
    log(
        f"    kanban-tui peer {len(out['launches'])} ({len(cards)} tasks): first task {shown} "
        f"(CPU {run.cpu_s} s, peak RSS {run.peak_rss_kb} kB), minimal {m} s (CPU {m_cpu} s)"
        + (f"; {run.note}" if run.note else "")
    )
