"""The TUI measured in a real terminal (tmux): start-up, keystrokes, memory.

What is driven is found by stable names, never assumed: the modes and their
number keys come from `salessprint.tui.app.SCREENS`, keys from Binding ids
(`board.move_right`, `backlog.filter`, `backlog.scope`, `activity.log`,
`log.call`). A screen or binding that is not there yields a
"not measured: ..." line instead of a number.

Every write is detected where it lands: the store's audit log (`changes`)
or `activities` gets a new row; "keystroke to committed" is the time from
`tmux send-keys` until a separate connection sees that row.

A card move is repainted when the moved card (the one the change log names)
is drawn in its new lane and no longer in its old one: the screen is watched
from the keystroke, while another thread watches the store, so a repaint
before the commit counts as such, and a toast or another later change of
the screen does not stretch the figure (`move_last_change_ms` keeps that).
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import re
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import kanban_peer
from benchmarks.generate import ANCHOR, BENCH_LOGIN, ROOT, TEAM_NAME, _conninfo
from benchmarks.kanban_peer import KanbanPeer
from benchmarks.minimal_app import MARKER
from benchmarks.terminal import Pane, cpu_seconds, memory_of, tmux_key

QUIET = 1.5
"""Seconds without a change after which a screen counts as repainted: longer
than the backlog filter's debounce plus its query, so both are inside the
figure (a gap longer than this between the echo of a key and the list's
repaint would be missed)."""
SWITCH_TIMEOUT = 60.0


@dataclass
class Ui:
    """What the installed TUI offers, by stable name."""

    modes: dict[str, str] = field(default_factory=dict)  # mode -> key
    titles: dict[str, str] = field(default_factory=dict)  # mode -> title (the header shows "›  Title")
    bindings: dict[str, str] = field(default_factory=dict)  # binding id -> first key
    error: str | None = None


def discover_ui() -> Ui:
    ui = Ui()
    try:
        app_mod = importlib.import_module("salessprint.tui.app")
    except Exception as exc:
        ui.error = f"salessprint.tui.app does not import: {exc!r}"
        return ui
    classes: list[type] = [app_mod.SalesSprintApp]
    for name, key, title, cls in getattr(app_mod, "SCREENS", []):
        ui.modes[name] = key
        ui.titles[name] = title
        classes.append(cls)
    try:
        modals = importlib.import_module("salessprint.tui.modals")
        for info in pkgutil.iter_modules(modals.__path__):
            mod = importlib.import_module(f"salessprint.tui.modals.{info.name}")
            classes.extend(v for v in vars(mod).values() if isinstance(v, type))
    except ImportError:
        pass
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", []) or []:
            bid = getattr(binding, "id", None)
            if bid and bid not in ui.bindings:
                keys = [k.strip() for k in binding.key.split(",")]
                # Prefer a key tmux can type unambiguously (a printable one).
                printable = [k for k in keys if len(k) == 1 or k in ("greater_than_sign", "less_than_sign", "slash")]
                ui.bindings[bid] = (printable or keys)[0]
    return ui


@dataclass(frozen=True)
class MovedCard:
    """The card a move wrote, as the change log has it."""

    title: str
    was: str
    """Its status before the move (the lane it left)."""
    now: str


class CommitWatch:
    """A thread that waits, on a connection of its own, for a table to grow past `before`."""

    def __init__(self, url: str, table: str, before: int, timeout: float) -> None:
        self.seen: float | None = None
        """When the new row was first seen, or None (not yet, or never)."""
        self._thread = threading.Thread(target=self._run, args=(url, table, before, timeout), daemon=True)
        self._thread.start()

    def _run(self, url: str, table: str, before: int, timeout: float) -> None:
        counter = RowCounter(url)
        try:
            self.seen = counter.wait_above(table, before, timeout=timeout)
        finally:
            counter.close()

    def committed(self) -> bool:
        return self.seen is not None

    def wait(self) -> float | None:
        self._thread.join()
        return self.seen


class RowCounter:
    """max(id) of a table, read by a connection of its own."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite"):
            self.conn: Any = sqlite3.connect(url.split("///", 1)[1], isolation_level=None)
        else:
            import psycopg

            self.conn = psycopg.connect(_conninfo(url), autocommit=True)

    def max_id(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    def rows(self, sql: str) -> list[Any]:
        return list(self.conn.execute(sql).fetchall())

    def wait_above(self, table: str, before: int, timeout: float = 10.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.max_id(table) > before:
                return time.perf_counter()
            time.sleep(0.001)
        return None

    def watch_above(self, table: str, before: int, timeout: float = 20.0) -> CommitWatch:
        """Wait for a new row in a thread (the screen is watched meanwhile)."""
        return CommitWatch(self.url, table, before, timeout)

    def moved_card(self, before: int) -> MovedCard | None:
        """The first sprint card changed after change `before`: its title, old and new status."""
        rows = self.rows(
            "SELECT c.before, c.after, coalesce(t.title, d.title) FROM changes c "
            "JOIN sprint_items i ON i.id = c.entity_id LEFT JOIN tasks t ON t.id = i.task_id "
            f"LEFT JOIN deals d ON d.id = i.deal_id WHERE c.id > {int(before)} AND c.entity = 'sprint_item' "
            "ORDER BY c.id LIMIT 1"
        )
        if not rows or not rows[0][2]:
            return None
        old, new = (json.loads(v) if isinstance(v, str) else v for v in rows[0][:2])
        if not old or not new:
            return None
        return MovedCard(rows[0][2], old["status"], new["status"])

    def close(self) -> None:
        self.conn.close()


@dataclass
class TuiRun:
    minimal_s: float | None = None
    """The minimal app's first frame, launched just before this run (its pair)."""
    minimal_cpu_s: float | None = None
    load_average: list[float] = field(default_factory=list)
    """The 1, 5 and 15 minute load averages when this launch started."""
    first_frame_s: float | None = None
    board_s: float | None = None
    first_frame_cpu_s: float | None = None
    board_cpu_s: float | None = None
    filter_last_ms: list[float] = field(default_factory=list)
    filter_first_ms: list[float] = field(default_factory=list)
    filter_ok: bool | None = None
    move_commit_ms: list[float] = field(default_factory=list)
    move_repaint_ms: list[float] = field(default_factory=list)
    """Keystroke until the moved card is drawn in its new lane (and gone from the old one)."""
    move_last_change_ms: list[float] = field(default_factory=list)
    """Keystroke until the screen's last change (a toast after the move included)."""
    log_commit_ms: list[float] = field(default_factory=list)
    screen_settle_ms: dict[str, float] = field(default_factory=dict)
    """Each screen's first open: its key until the screen stopped changing."""
    screen_cpu_ms: dict[str, float] = field(default_factory=dict)
    """The app's CPU time over each first open (what a busy machine hardly inflates)."""
    peak_rss_kb: int | None = None
    notes: list[str] = field(default_factory=list)


def app_env(workdir: Path) -> dict[str, str]:
    return {
        "SALESSPRINT_CONFIG": str(workdir / "config.toml"),
        "SALESSPRINT_DATA_DIR": str(workdir / "data"),
        "SALESSPRINT_NOW": ANCHOR.isoformat(),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if os.environ.get("PYTHONPATH") else {}),
    }


def minimal_first_frame() -> tuple[float | None, float | None]:
    """Seconds from launch to the minimal app's first frame: wall and CPU."""
    with tempfile.TemporaryDirectory() as tmp:
        pane = Pane([sys.executable, "-m", "benchmarks.minimal_app"], app_env(Path(tmp)), cwd=ROOT)
        try:
            seen = pane.wait_for(lambda text: MARKER in text, timeout=60)
            pid = pane.pid()
            cpu = cpu_seconds(pid) if pid else None
            return (None if seen is None else seen - pane.started), cpu
        finally:
            pane.send("q")
            pane.close()


def datatable_first_frame(url: str, title: str | None) -> tuple[float | None, float | None]:
    """Seconds from launch until the DataTable peer shows its first deal: wall and CPU."""
    if title is None:
        return None, None
    with tempfile.TemporaryDirectory() as tmp:
        pane = Pane([sys.executable, "-m", "benchmarks.datatable_app", url], app_env(Path(tmp)), cwd=ROOT)
        try:
            seen = pane.wait_for(lambda text: title in text, timeout=120)
            pid = pane.pid()
            cpu = cpu_seconds(pid) if pid else None
            return (None if seen is None else seen - pane.started), cpu
        finally:
            pane.send("q")
            pane.close()


def board_titles(counter: RowCounter) -> list[str]:
    """The first characters of the active sprint's card titles."""
    rows = counter.rows(
        "SELECT coalesce(t.title, d.title) FROM sprint_items i JOIN sprints s ON s.id = i.sprint_id "
        "LEFT JOIN tasks t ON t.id = i.task_id LEFT JOIN deals d ON d.id = i.deal_id "
        "WHERE s.state = 'active' AND i.removed_at IS NULL ORDER BY i.id LIMIT 200"
    )
    return [r[0][:14] for r in rows if r[0]]


def filter_queries(counter: RowCounter, n: int = 3) -> list[str]:
    """Reference codes of open deals: each matches exactly one deal when typed in full."""
    rows = counter.rows("SELECT title FROM deals WHERE closed_on IS NULL AND title NOT LIKE '%(ref %q%' ORDER BY id")
    picks = [rows[int(i * (len(rows) - 1) / max(1, n - 1))][0] for i in range(n)] if rows else []
    out = []
    for title in picks:
        m = re.search(r"\(ref ([a-z]{5})\)", title)
        if m and "q" not in m.group(1):  # never type the quit key, even by mistake
            out.append(m.group(1))
    return out


def run_app_session(
    url: str, ui: Ui, *, moves: int = 5, logs: int = 5, measure_filter: bool = True, login: str = BENCH_LOGIN
) -> TuiRun:
    """One launch of salessprint on `url`: the board with data, every screen's
    first open, then card moves, the backlog filter and activity logs."""
    run = TuiRun(load_average=[round(x, 2) for x in os.getloadavg()])
    counter = RowCounter(url)
    titles = board_titles(counter)
    with tempfile.TemporaryDirectory() as tmp:
        argv = [sys.executable, "-m", "salessprint", "--db", url, "--as", login]
        pane = Pane(argv, app_env(Path(tmp)), cwd=ROOT)
        try:
            seen = pane.wait_for(lambda t: "salessprint" in t or TEAM_NAME in t, timeout=90)
            if seen is None:
                run.notes.append("not measured: the app showed no header within 90 s: " + pane.capture()[-300:])
                return run
            pid = pane.pid()
            run.first_frame_s = seen - pane.started
            run.first_frame_cpu_s = cpu_seconds(pid) if pid else None
            board = pane.wait_for(lambda t: any(title in t for title in titles), timeout=90) if titles else None
            if board is None:
                run.notes.append("not measured: board with data (no active-sprint card appeared)")
            else:
                run.board_s = board - pane.started
                run.board_cpu_s = cpu_seconds(pid) if pid else None
            pane.settle(time.perf_counter(), quiet=QUIET)
            first_mode = _visit_screens(pane, ui, run)
            _open_deal_room(pane, ui, run)
            if first_mode is not None:
                _switch(pane, ui, first_mode)
            _card_moves(pane, ui, counter, run, moves)
            if measure_filter:
                _backlog_filter(pane, ui, counter, run)
            _activity_log(pane, ui, counter, run, logs)
            pid = pane.pid()
            if pid:
                run.peak_rss_kb = memory_of(pid).get("VmHWM")
        finally:
            pane.send("q")
            time.sleep(0.2)
            pane.close()
            counter.close()
    return run


def _press(pane: Pane, ui: Ui, binding_id: str) -> float:
    return pane.send(tmux_key(ui.bindings[binding_id]), literal=len(ui.bindings[binding_id]) == 1)


TOAST_EDGE = "▌"
"""The left edge Textual draws on a toast (the app draws this character nowhere else)."""
TOAST_WAIT_S = 12.0
"""Longer than any toast stays up (Textual's 5 s; the app's longest, 10 s)."""


def _toasts_gone(pane: Pane, timeout: float = TOAST_WAIT_S) -> None:
    """Wait until no toast shows: one left by the screen before would vanish in
    the middle of the next screen's first open and be counted as that open's last
    change (the backlog's "no open items of your own" hid 4 lines of the pipeline)."""
    deadline = time.perf_counter() + timeout
    while TOAST_EDGE in pane.capture() and time.perf_counter() < deadline:
        time.sleep(0.05)


def _switch(pane: Pane, ui: Ui, mode: str) -> float | None:
    """Switch to a mode by its number key; seconds until the screen settled.

    Escape first: a focused text box would take the number as text. A toast
    still up from before is let go first (`_toasts_gone`)."""
    t = pane.send("Escape")
    pane.settle(t, quiet=0.5)
    _toasts_gone(pane)
    screen = pane.capture()
    key = ui.modes[mode]
    t = pane.send(tmux_key(key), literal=len(key) == 1)
    settled = pane.settle(t, quiet=QUIET, timeout=SWITCH_TIMEOUT, baseline=screen, require_change=True)
    return None if settled.last_change is None else settled.last_change - t


def board_lanes() -> dict[str, str]:
    """The board's lanes, status -> the title its heading starts with."""
    from salessprint.tui.screens.board import LANES

    return {status.value: title for status, title in LANES}


def lane_columns(screen: str, lanes: dict[str, str]) -> dict[str, range] | None:
    """Where each lane's column is on the screen, from the line holding every lane's
    heading (a title followed by two spaces: "To do  17 cards"); None if none does."""
    for line in screen.splitlines():
        starts: dict[str, int] = {}
        for status, title in lanes.items():
            m = re.search(rf"(?<!\w){re.escape(title)}\s\s", line)
            if m is None:
                break
            starts[status] = m.start()
        else:
            order = sorted(starts, key=lambda s: starts[s])
            ends = [starts[s] for s in order[1:]] + [sys.maxsize]
            return {s: range(starts[s], end) for s, end in zip(order, ends, strict=True)}
    return None


def drawn_in(screen: str, columns: dict[str, range], title: str) -> dict[str, int]:
    """How often a card title (its first characters) is drawn in each lane's column."""
    prefix = " ".join(title.split())[:14]
    counts = dict.fromkeys(columns, 0)
    for line in screen.splitlines():
        at = line.find(prefix)
        while at != -1:
            for status, span in columns.items():
                counts[status] += at in span
            at = line.find(prefix, at + 1)
    return counts


def card_drawn_at(
    frames: list[tuple[float, str]], baseline: str, card: MovedCard, lanes: dict[str, str]
) -> float | None:
    """The first frame with the moved card in its new lane and gone from its old one."""
    columns = lane_columns(baseline, lanes)
    if columns is None or card.was not in columns or card.now not in columns:
        return None
    base = drawn_in(baseline, columns, card.title)
    for t, text in frames:
        counts = drawn_in(text, columns, card.title)
        if counts[card.now] > base[card.now] and counts[card.was] < base[card.was]:
            return t
    return None


def _card_moves(pane: Pane, ui: Ui, counter: RowCounter, run: TuiRun, moves: int) -> None:
    """Move the selected card right, then back left (the selection follows the
    card on the board); a board whose selection stays put keeps moving right.

    The screen is watched from the keystroke while a thread watches the store:
    "repainted" is the first frame with the card the change log names drawn in
    its new lane, whether that came before the commit or after it."""
    if "board" not in ui.modes or "board.move_right" not in ui.bindings:
        run.notes.append("not measured: card move (no board screen or board.move_right binding)")
        return
    lanes = board_lanes()
    back_and_forth = "board.move_left" in ui.bindings
    unseen = 0
    for i in range(moves):
        binding = "board.move_left" if back_and_forth and i % 2 else "board.move_right"
        before = counter.max_id("changes")
        screen = pane.capture()
        watch = counter.watch_above("changes", before, timeout=20)
        t = _press(pane, ui, binding)
        frames = pane.frames(t, baseline=screen, quiet=QUIET, timeout=20, done=watch.committed)
        committed = watch.wait()
        if committed is None and binding == "board.move_left":
            back_and_forth = False
            continue
        if committed is None:
            run.notes.append("card move: no change-log row within 20 s (nothing to move?)")
            return
        run.move_commit_ms.append((committed - t) * 1000)
        if frames:
            run.move_last_change_ms.append((frames[-1][0] - t) * 1000)
        card = counter.moved_card(before)
        drawn = None if card is None else card_drawn_at(frames, screen, card, lanes)
        if drawn is None:
            unseen += 1
        else:
            run.move_repaint_ms.append((drawn - t) * 1000)
    if unseen:
        run.notes.append(f"card move: {unseen} moved card(s) never seen drawn in the new lane (not counted)")


def _backlog_filter(pane: Pane, ui: Ui, counter: RowCounter, run: TuiRun) -> None:
    if "backlog" not in ui.modes:
        run.notes.append("not measured: backlog filter (backlog screen not present)")
        return
    if "backlog.filter" not in ui.bindings:
        run.notes.append("not measured: backlog filter (no backlog.filter binding)")
        return
    queries = filter_queries(counter, n=2)
    if _switch(pane, ui, "backlog") is None:
        run.notes.append("backlog filter: the backlog screen did not appear within 60 s")
        return
    last_ms: list[float] = []
    first_ms: list[float] = []
    ok = False
    for attempt in range(2):
        last_ms, first_ms, ok = [], [], True
        screen = pane.capture()
        t = _press(pane, ui, "backlog.filter")
        if pane.settle(t, quiet=QUIET, baseline=screen, require_change=True, timeout=20).last_change is None:
            run.notes.append("backlog filter: the filter box did not open")
            return
        for code in queries:
            for i, key in enumerate([*code, *["BSpace"] * len(code)]):
                screen = pane.capture()
                t = pane.send(key, literal=key != "BSpace")
                s = pane.settle(t, quiet=QUIET, baseline=screen, require_change=True, timeout=20)
                if s.last_change is not None and s.first_change is not None:
                    last_ms.append((s.last_change - t) * 1000)
                    first_ms.append((s.first_change - t) * 1000)
                if i == len(code) - 1:  # the whole reference typed: its deal is listed
                    ok = ok and code in s.text
        t = pane.send("Escape")
        pane.settle(t, quiet=QUIET, require_change=True, timeout=20)
        if ok or attempt == 1 or "backlog.scope" not in ui.bindings:
            break
        # The list showed only my items (the manager has none): the team's, then again.
        screen = pane.capture()
        t = _press(pane, ui, "backlog.scope")
        pane.settle(t, quiet=QUIET, baseline=screen, require_change=True, timeout=20)
    run.filter_last_ms, run.filter_first_ms, run.filter_ok = last_ms, first_ms, ok
    if not ok:
        run.notes.append("backlog filter: a typed deal reference did not appear in the list")


def _activity_log(pane: Pane, ui: Ui, counter: RowCounter, run: TuiRun, logs: int) -> None:
    if "activity" not in ui.modes or "activity.log" not in ui.bindings or "log.call" not in ui.bindings:
        run.notes.append("not measured: activity log in the TUI (no activity screen, activity.log or log.call)")
        return
    _switch(pane, ui, "activity")
    for _ in range(logs):
        screen = pane.capture()
        t = _press(pane, ui, "activity.log")
        pane.settle(t, quiet=0.5, baseline=screen, require_change=True, timeout=20)
        before = counter.max_id("activities")
        t = _press(pane, ui, "log.call")
        committed = counter.wait_above("activities", before, timeout=20)
        if committed is None:
            run.notes.append("activity log: no new activity row within 20 s")
            t = pane.send("Escape")
            pane.settle(t, quiet=0.5)
            return
        run.log_commit_ms.append((committed - t) * 1000)
        pane.settle(t, quiet=QUIET)


def _visit_screens(pane: Pane, ui: Ui, run: TuiRun) -> str | None:
    """Open every screen of SCREENS once, first opens all (the one shown at
    start-up, named in the header, is skipped: it is open already); that mode."""
    header = next(iter(pane.capture().splitlines()), "")
    first = next(
        (mode for mode, title in ui.titles.items() if re.search(rf"›\s+{re.escape(title)}(\s\s|\s*$)", header)), None
    )
    pid = pane.pid()
    for mode in ui.modes:
        if mode == first:
            continue
        cpu_before = cpu_seconds(pid) if pid else None
        took = _switch(pane, ui, mode)
        cpu_after = cpu_seconds(pid) if pid else None
        if took is not None:
            run.screen_settle_ms[mode] = took * 1000
            if cpu_before is not None and cpu_after is not None:
                run.screen_cpu_ms[mode] = round((cpu_after - cpu_before) * 1000, 1)
    return first


DEAL_ROOM = "deal room"
"""The deal room's first open is reported beside the screens' (Enter on the pipeline's selected deal)."""


def _open_deal_room(pane: Pane, ui: Ui, run: TuiRun) -> None:
    """The deal room's first open: Enter on the pipeline board's selected deal
    (every card there is a deal; a board card may be a task), key until the
    room stopped changing; then back with Escape."""
    if "pipeline" not in ui.modes or "pipeline.open" not in ui.bindings:
        return
    _switch(pane, ui, "pipeline")
    screen = pane.capture()
    pid = pane.pid()
    cpu_before = cpu_seconds(pid) if pid else None
    t = _press(pane, ui, "pipeline.open")
    settled = pane.settle(t, quiet=QUIET, timeout=SWITCH_TIMEOUT, baseline=screen, require_change=True)
    cpu_after = cpu_seconds(pid) if pid else None
    header = next(iter(pane.capture().splitlines()), "")
    if settled.last_change is None or "Deal room" not in header:
        run.notes.append(f"not measured: the deal room (the header read {header.strip()[:80]!r})")
    else:
        run.screen_settle_ms[DEAL_ROOM] = (settled.last_change - t) * 1000
        if cpu_before is not None and cpu_after is not None:
            run.screen_cpu_ms[DEAL_ROOM] = round((cpu_after - cpu_before) * 1000, 1)
    t = pane.send("Escape")
    pane.settle(t, quiet=0.5)


def run_tui(
    url: str,
    runs: int,
    log: Callable[[str], None],
    login: str = BENCH_LOGIN,
    *,
    kanban: KanbanPeer | None = None,
    backend: str = "sqlite",
) -> dict[str, Any]:
    """Same-run pairs: the minimal app, then salessprint just after it, `runs`
    times; each launch's figures are read over the minimal launch just before it.
    The peers likewise, each after a minimal launch of its own: the DataTable app
    every run, kanban-tui (with the active sprint's cards as tasks) every run on a
    small board and once per store size on a large one (`benchmarks/kanban_peer.py`)."""
    ui = discover_ui()
    out: dict[str, Any] = {"modes": ui.modes, "bindings_found": sorted(ui.bindings), "runs": []}
    if ui.error:
        out["error"] = ui.error
        return out
    from benchmarks.datatable_app import first_title

    minimal: list[float] = []
    minimal_cpu: list[float] = []
    peer_title = first_title(url)
    out["datatable_pairs"] = []
    cards: list[tuple[str, str]] = []
    if kanban is not None:
        counter = RowCounter(url)
        try:
            cards = kanban_peer.active_cards(counter)
        finally:
            counter.close()
        out["kanban"] = kanban_peer.prepare(kanban, cards, runs, log)
    for i in range(runs):
        m, m_cpu = minimal_first_frame()
        if m is not None:
            minimal.append(m)
        if m_cpu is not None:
            minimal_cpu.append(m_cpu)
        # Filter and writes once per run; the first launch also warms the OS cache.
        run = run_app_session(url, ui, moves=6, logs=4, login=login)
        run.minimal_s, run.minimal_cpu_s = m, m_cpu
        log(
            f"    tui run {i + 1}: board with data {run.board_s} s (CPU {run.board_cpu_s} s), minimal {m} s "
            f"(CPU {m_cpu} s), load {run.load_average}"
        )
        out["runs"].append(run.__dict__)
        # The DataTable peer over a minimal launch of its own, just before it.
        pm, pm_cpu = minimal_first_frame()
        load = [round(x, 2) for x in os.getloadavg()]
        peer, peer_cpu = datatable_first_frame(url, peer_title)
        out["datatable_pairs"].append(
            {"minimal_s": pm, "minimal_cpu_s": pm_cpu, "first_data_s": peer, "cpu_s": peer_cpu, "load_average": load}
        )
        log(f"    datatable peer {i + 1}: first data {peer} s (CPU {peer_cpu} s), minimal {pm} s")
        if kanban is not None:
            kanban_peer.pair(kanban, backend, cards, out["kanban"], minimal_first_frame, log)
    out["minimal_first_frame_s"] = minimal
    out["minimal_first_frame_cpu_s"] = minimal_cpu
    return out
