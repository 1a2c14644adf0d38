"""What the terminal benchmark calls "a card move repainted": the first screen
with the moved card in its new lane, whenever the store commits, and never a
later toast or an earlier screen (a fake clock, pane and store)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from benchmarks import tui
from benchmarks.terminal import Pane

CAPTURE_S = 0.004
"""What one `tmux capture-pane` costs on the fake clock."""


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def board(lanes: dict[str, list[str]], toast: str | None = None) -> str:
    """A board as `capture-pane` gives it: a header, the lane headings, two lines per card."""
    width = 30
    heads = {"todo": "To do", "doing": "Doing", "done": "Done"}

    def row(cells: list[str]) -> str:
        return "".join(f"│ {c:<{width - 2}}" for c in cells) + "│"

    lines = ["Team  ›  Board", row([f"{heads[s]}  {len(lanes[s])} cards · 0 pt" for s in heads])]
    for i in range(max(len(c) for c in lanes.values())):
        lines.append(row([lanes[s][i] if i < len(lanes[s]) else "" for s in heads]))
        lines.append(row(["Alex Novak · 1 pt" if i < len(lanes[s]) else "" for s in heads]))
    if toast:
        lines[-1] = lines[-1][:60] + f"▌ {toast}"
    return "\n".join(lines) + "\n"


@dataclass
class Move:
    pressed: float
    card: str
    was: str
    now: str
    drawn_after: float | None
    """Seconds after the key the card shows in its new lane (None: never)."""
    committed_after: float
    toast_after: float | None = None
    half_drawn_after: float | None = None
    """From then until `drawn_after`, the new lane shows the card while the old one still does."""


@dataclass
class FakeApp:
    """The board, the store and the terminal in one: what shows when, by the fake clock."""

    clock: Clock
    lanes: dict[str, list[str]]
    script: list[tuple[float | None, float, float | None, float | None]]
    """Per keystroke: (drawn, committed, toast, half-drawn) seconds after the key."""
    moves: list[Move] = field(default_factory=list)

    def press(self, key: str) -> None:
        drawn, committed, toast, half = self.script[len(self.moves)]
        was, now = ("todo", "doing") if key == ">" else ("doing", "todo")
        card = next(c for c in self.shown()[was] if c.startswith("Call:"))  # the selected card
        self.moves.append(Move(self.clock.t, card, was, now, drawn, committed, toast, half))

    def _since(self, move: Move, after: float | None) -> bool:
        return after is not None and self.clock.t >= move.pressed + after

    def shown(self) -> dict[str, list[str]]:
        lanes = {s: list(c) for s, c in self.lanes.items()}
        for move in self.moves:
            if self._since(move, move.drawn_after):
                lanes[move.was].remove(move.card)
                lanes[move.now].append(move.card)
            elif self._since(move, move.half_drawn_after):
                lanes[move.now].append(move.card)
        return lanes

    def screen(self) -> str:
        toast = any(self._since(m, m.toast_after) for m in self.moves)
        return board(self.shown(), "Doing now holds 2 cards; its WIP limit is 1." if toast else None)

    def committed(self) -> int:
        return sum(self._since(m, m.committed_after) for m in self.moves)


class FakePane:
    def __init__(self, app: FakeApp) -> None:
        self.app = app

    def capture(self) -> str:
        text = self.app.screen()  # what the terminal shows when the capture starts
        self.app.clock.t += CAPTURE_S
        return text

    def send(self, key: str, *, literal: bool = False) -> float:
        t = self.app.clock.t
        self.app.press(key)
        self.app.clock.t += 0.003
        return t

    def dead(self) -> bool:
        return False

    frames = Pane.frames
    settle = Pane.settle


class FakeWatch:
    def __init__(self, app: FakeApp, before: int, timeout: float) -> None:
        self.app, self.before, self.deadline = app, before, app.clock.t + timeout

    @property
    def seen(self) -> float | None:
        """The store is polled every millisecond: the commit is seen at most 1 ms late."""
        move = self.app.moves[-1] if self.app.moves else None
        if move is None or self.app.committed() <= self.before:
            return None
        return move.pressed + move.committed_after + 0.001

    def committed(self) -> bool:
        return self.seen is not None

    def wait(self) -> float | None:
        if self.seen is None:
            self.app.clock.t = max(self.app.clock.t, self.deadline)
        return self.seen


class FakeCounter:
    def __init__(self, app: FakeApp) -> None:
        self.app = app

    def max_id(self, table: str) -> int:
        return self.app.committed()

    def wait_above(self, table: str, before: int, timeout: float = 10.0) -> float | None:
        deadline = self.app.clock.t + timeout
        while self.app.clock.t < deadline:
            if self.app.committed() > before:
                return self.app.clock.t
            self.app.clock.t += 0.001
        return None

    def watch_above(self, table: str, before: int, timeout: float = 20.0) -> FakeWatch:
        return FakeWatch(self.app, before, timeout)

    def moved_card(self, before: int) -> tui.MovedCard | None:
        move = self.app.moves[before]
        return tui.MovedCard(move.card, move.was, move.now)


UI = tui.Ui(modes={"board": "3"}, bindings={"board.move_right": ">", "board.move_left": "<"})


def run_moves(
    monkeypatch: pytest.MonkeyPatch, script: list[tuple[float | None, float, float | None, float | None]]
) -> tui.TuiRun:
    clock = Clock()
    monkeypatch.setattr(time, "perf_counter", clock.now)
    monkeypatch.setattr(time, "sleep", clock.sleep)
    lanes = {"todo": ["Call: Acme Logistics", "Demo: Hopfen"], "doing": ["Note: Juniper"], "done": []}
    app = FakeApp(clock, lanes, script)
    run = tui.TuiRun()
    tui._card_moves(FakePane(app), UI, FakeCounter(app), run, len(script))  # type: ignore[arg-type]
    return run


def test_a_move_drawn_before_its_commit_counts_from_the_frame_that_shows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn 20 ms after the key, committed at 70 ms, a WIP toast at 90 ms: the
    figure is the frame with the card in its new lane (within a capture's cost
    and a poll of 20 ms), not the commit's wait nor the toast."""
    run = run_moves(monkeypatch, [(0.020, 0.070, 0.090, None), (0.020, 0.070, None, None)])
    assert [round(x) for x in run.move_commit_ms] == [71, 71]
    assert len(run.move_repaint_ms) == 2
    for ms in run.move_repaint_ms:
        assert 20 <= ms <= 20 + 2 * CAPTURE_S * 1000 + 2, run.move_repaint_ms
    assert run.move_last_change_ms[0] >= 90  # the toast is the last change, kept apart
    assert not run.notes


def test_a_move_drawn_after_its_commit_is_not_flattered(monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_moves(monkeypatch, [(0.120, 0.070, None, None)])
    assert len(run.move_repaint_ms) == 1 and 120 <= run.move_repaint_ms[0] <= 130, run.move_repaint_ms


def test_only_the_card_in_its_new_lane_and_gone_from_the_old_one_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast alone, or a frame caught half drawn (the card in both lanes), is not the repaint;
    a card never drawn in its new lane gives no figure and a note."""
    run = run_moves(monkeypatch, [(0.060, 0.030, 0.010, 0.015), (None, 0.030, 0.010, None)])
    assert len(run.move_repaint_ms) == 1 and 60 <= run.move_repaint_ms[0] <= 70, run.move_repaint_ms
    assert run.notes == ["card move: 1 moved card(s) never seen drawn in the new lane (not counted)"]


def test_lane_columns_are_read_from_the_headings_line() -> None:
    screen = board({"todo": ["Call: Acme"], "doing": ["Done deal: Acme"], "done": ["Call: Acme"]})
    columns = tui.lane_columns(screen, {"todo": "To do", "doing": "Doing", "done": "Done"})
    assert columns is not None
    assert tui.drawn_in(screen, columns, "Call: Acme") == {"todo": 1, "doing": 0, "done": 1}
    assert tui.lane_columns("no board here\n", {"todo": "To do"}) is None
