"""The kanban-tui peer: its board file gets the active sprint's cards as tasks, and its
figures (a number, a timeout, or why not) are printed beside the other peers'."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from benchmarks import kanban_peer, report
from benchmarks.kanban_peer import KanbanPeer, PeerError


def kanban_board(path: Path) -> Path:
    """The part of kanban-tui 0.21.2's schema the writer relies on (`init_new_db` at schema 4,
    then `init_first_board`: board 1 with Ready, Doing, Done and a hidden Archive)."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE boards (board_id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE columns (column_id INTEGER PRIMARY KEY, name TEXT NOT NULL, visible BOOLEAN,
                              position INTEGER, board_id INTEGER);
        CREATE TABLE tasks (task_id INTEGER PRIMARY KEY, title TEXT NOT NULL, column INTEGER NOT NULL,
                            category INTEGER, description TEXT, creation_date DATETIME NOT NULL,
                            start_date DATETIME, finish_date DATETIME, due_date DATETIME,
                            metadata TEXT, position INTEGER);
        INSERT INTO boards VALUES (1, 'Kanban Board');
        INSERT INTO columns VALUES (1, 'Ready', 1, 1, 1), (2, 'Doing', 1, 2, 1), (3, 'Done', 1, 3, 1),
                                   (4, 'Archive', 0, 4, 1);
        """
    )
    con.close()
    return path


def test_every_card_becomes_a_task_in_the_column_of_its_lane(tmp_path: Path) -> None:
    db = kanban_board(tmp_path / "kanban_tui.db")
    cards = [("Call Blue Foods", "todo"), ("Demo for Iron Media", "done"), ("Email Harbor", "doing")]
    cards += [(f"Task {i}", "todo") for i in range(7)]
    by_column = kanban_peer.write_tasks(db, cards)
    assert by_column["Ready"][:2] == ["Call Blue Foods", "Task 0"] and len(by_column["Ready"]) == 8
    assert by_column == {"Ready": by_column["Ready"], "Doing": ["Email Harbor"], "Done": ["Demo for Iron Media"]}
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT c.name, t.title, t.position, t.start_date IS NOT NULL, t.finish_date IS NOT NULL, t.metadata "
        "FROM tasks t JOIN columns c ON c.column_id = t.column ORDER BY c.position, t.position"
    ).fetchall()
    con.close()
    assert len(rows) == len(cards)
    assert rows[0] == ("Ready", "Call Blue Foods", 0, 0, 0, "{}")
    assert rows[1][1:3] == ("Task 0", 1)
    assert rows[-2] == ("Doing", "Email Harbor", 0, 1, 0, "{}")
    assert rows[-1] == ("Done", "Demo for Iron Media", 0, 1, 1, "{}")
    # What counts as "a task on screen": the first titles of each column.
    watched = kanban_peer.watched_titles(by_column)
    assert watched[:5] == ["Call Blue Food", "Task 0", "Task 1", "Task 2", "Task 3"]
    assert "Email Harbor" in watched and "Demo for Iron " in watched and "Task 4" not in watched


def test_a_board_of_another_schema_is_refused_not_guessed(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE tasks (task_id INTEGER PRIMARY KEY, title TEXT, column INTEGER)")
    con.close()
    with pytest.raises(PeerError, match="no creation_date"):
        kanban_peer.write_tasks(db, [("A", "todo")])


def test_its_config_data_and_home_are_a_scratch_folder(tmp_path: Path) -> None:
    env = kanban_peer.peer_env(tmp_path)
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "KANBAN_TUI_CONFIG_FILE", "KANBAN_TUI_DATABASE_FILE"):
        assert env[var].startswith(str(tmp_path))


def test_an_install_that_fails_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kanban_peer, "ensure_installed", lambda **_: (_ for _ in ()).throw(PeerError("no network")))
    peer = KanbanPeer()
    out = kanban_peer.prepare(peer, [("A", "todo")], 3, lambda _msg: None)
    assert out["planned"] == 0 and out["not_measured"] == "no network"
    assert report.summarise_kanban(out)["kanban_s"] == "not measured: no network"


def test_a_large_board_is_launched_once_per_size(monkeypatch: pytest.MonkeyPatch) -> None:
    peer = KanbanPeer(python=Path("/nowhere/python"))
    small = kanban_peer.prepare(peer, [("A", "todo")] * kanban_peer.EACH_LAUNCH_UP_TO, 3, print)
    assert small["planned"] == 3 and not small["once_per_size"]
    large = [("A", "todo")] * (kanban_peer.EACH_LAUNCH_UP_TO + 1)
    first = kanban_peer.prepare(peer, large, 3, print)
    assert first["planned"] == 1 and first["once_per_size"]

    def launch(_python: Path, cards: list[tuple[str, str]], _timeout: float) -> kanban_peer.KanbanLaunch:
        return kanban_peer.KanbanLaunch(tasks=len(cards), first_task_s=30.0, cpu_s=29.0)

    monkeypatch.setattr(kanban_peer, "launch", launch)
    for _ in range(3):
        kanban_peer.pair(peer, "sqlite", large, first, lambda: (0.5, 0.25), lambda _msg: None)
    assert len(first["launches"]) == 1 and peer.measured_in == "sqlite"
    again = kanban_peer.prepare(peer, large, 3, print)  # the other backend's run of the same size
    assert again["measured_in"] == "sqlite" and again["planned"] == 0


def launch_record(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {"tasks": 10_000, "minimal_s": 0.5, "minimal_cpu_s": 0.25, "first_task_s": None}
    base.update({"cpu_s": None, "peak_rss_kb": None, "timed_out_s": None, "note": None, **kw})
    return base


def results(kanban: dict[str, object]) -> dict[str, object]:
    tui = {"runs": [], "minimal_first_frame_s": [], "kanban": kanban}
    return {
        "backends": {"sqlite": {"tui": tui}, "postgresql": {"tui": {"runs": [], "kanban": {"measured_in": "sqlite"}}}}
    }


def test_the_table_gives_kanban_tui_beside_the_datatable_peer() -> None:
    measured = {
        "tasks": 100,
        "once_per_size": False,
        "launches": [
            launch_record(first_task_s=2.0, cpu_s=1.5, peak_rss_kb=80 * 1024, load_average=[4.0, 2.0, 1.0]),
            launch_record(
                first_task_s=3.0,
                minimal_s=1.0,
                load_average=[1.5, 1.0, 1.0],
                cpu_s=1.0,
                minimal_cpu_s=0.5,
                peak_rss_kb=90 * 1024,
            ),
        ],
    }
    text = report.table(results(measured))
    lines = text.splitlines()
    peer = next(i for i, line in enumerate(lines) if line.startswith("| DataTable peer CPU"))
    assert (
        lines[peer + 1]
        == "| kanban-tui peer: tasks (the active sprint's cards), launched | 100 (every run) | 100 (every run) |  |"
    )
    assert lines[peer + 2] == "| kanban-tui peer: load average (1 min) at its launches | 1.50–4.00 | 1.50–4.00 |  |"
    assert lines[peer + 3] == "| kanban-tui peer, first frame showing a task | 2.50 s | 2.50 s |  |"
    assert lines[peer + 4] == "| kanban-tui peer / minimal app (pairs) | 3.50x | 3.50x |  |"  # median of 4.0 and 3.0
    assert "| kanban-tui peer CPU / minimal app's (pairs) | 4.00x | 4.00x |  |" in text  # of 6.0 and 2.0
    assert "| kanban-tui peer peak RSS by then | 90.0 MB | 90.0 MB |  |" in text
    assert "postgresql: kanban-tui: launched once for this store size, in the sqlite run" in text


def test_a_timeout_is_said_with_lower_bounds_never_as_a_figure() -> None:
    timed = {
        "tasks": 10_000,
        "once_per_size": True,
        "launches": [launch_record(timed_out_s=60.0, cpu_s=55.0, peak_rss_kb=1536 * 1024)],
    }
    s = report.summarise(results(timed))["sqlite"]
    assert s["kanban_tasks"] == "10,000 (once per size)"
    assert s["kanban_s"] == "timed out after 60 s"
    assert s["kanban_ratio"] == "> 120x" and s["kanban_cpu_ratio"] == "≥ 220x"
    assert s["kanban_cpu_s"] == "≥ 55.0 s" and s["kanban_rss_mb"] == "≥ 1,536.0 MB"
    text = report.table(results(timed))
    assert "| kanban-tui peer, first frame showing a task | timed out after 60 s | timed out after 60 s |  |" in text
    scaling = report.scaling_table({"1k": results(timed), "10k": results(timed)})
    assert "| sqlite: kanban-tui peer, first task on screen | timed out after 60 s | timed out after 60 s |" in scaling
    assert "| sqlite: kanban-tui peer CPU / minimal app's (pairs) | ≥ 220x | ≥ 220x |" in scaling


READ_BACK = (
    "import sys\n"
    "from kanban_tui.backends.sqlite.database import get_all_tasks_on_board_db, get_all_columns_on_board_db\n"
    "names = {c.column_id: c.name for c in get_all_columns_on_board_db(1, database=sys.argv[1])}\n"
    "for t in get_all_tasks_on_board_db(1, database=sys.argv[1]):\n"
    "    print(names[t.column], t.title, sep='|')\n"
)


@pytest.mark.skipif(
    not (kanban_peer.PEER_DIR / f".installed-{kanban_peer.VERSION}").exists(),
    reason="kanban-tui's venv is not installed (the benchmark makes it on first use)",
)
def test_kanban_tui_itself_reads_the_board_back(tmp_path: Path) -> None:
    """With the benchmark's cached kanban-tui venv: its own code makes the database and
    reads the written tasks back, in the order it shows them."""
    import os
    import subprocess

    cards = [("Call Blue Foods", "todo"), ("Demo for Iron Media", "done"), ("Email Harbor", "doing"), ("B", "todo")]
    python = kanban_peer.venv_python()
    kanban_peer.make_board(python, tmp_path, cards)
    env = {**os.environ, **kanban_peer.peer_env(tmp_path)}
    done = subprocess.run(
        [str(python), "-c", READ_BACK, env["KANBAN_TUI_DATABASE_FILE"]], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Ready|Call Blue Foods",
        "Ready|B",
        "Doing|Email Harbor",
        "Done|Demo for Iron Media",
    ]
