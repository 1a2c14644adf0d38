"""What the terminal benchmark drives comes from the app itself: every screen
of SCREENS gets a first open, whatever screens are added."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks import tui
from salessprint.tui.app import SCREENS


class FakePane:
    def __init__(self, header: str) -> None:
        self.header = header

    def capture(self) -> str:
        return f"{self.header}\nbody\n"

    def pid(self) -> None:
        return None


def test_every_screen_but_the_open_one_gets_a_first_open(monkeypatch: pytest.MonkeyPatch) -> None:
    ui = tui.discover_ui()
    assert list(ui.modes) == [name for name, _key, _title, _cls in SCREENS]
    opened: list[str] = []

    def switch(_pane: Any, _ui: Any, mode: str) -> float:
        opened.append(mode)
        return 0.25

    monkeypatch.setattr(tui, "_switch", switch)
    run = tui.TuiRun()
    first = tui._visit_screens(FakePane("Northwind Field Sales  ›  Board   Sprint 13 (active)"), ui, run)  # type: ignore[arg-type]
    assert first == "board"
    assert opened == [name for name in ui.modes if name != "board"]
    assert run.screen_settle_ms == dict.fromkeys(opened, 250.0)


def test_the_open_screen_is_the_one_the_header_names_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    ui = tui.Ui(
        modes={"pipeline": "4", "pipeline_board": "8"},
        titles={"pipeline": "Pipeline", "pipeline_board": "Pipeline board"},
    )
    opened: list[str] = []

    def switch(_pane: Any, _ui: Any, mode: str) -> float:
        opened.append(mode)
        return 0.1

    monkeypatch.setattr(tui, "_switch", switch)
    header = FakePane("Team  ›  Pipeline board   Sprint 2")
    assert tui._visit_screens(header, ui, tui.TuiRun()) == "pipeline_board"  # type: ignore[arg-type]
    assert opened == ["pipeline"]


class SettledPane(FakePane):
    """A pane whose screen settles 0.3 s after each key, showing `after`."""

    def __init__(self, header: str, after: str) -> None:
        super().__init__(header)
        self.after = after

    def send(self, key: str, *, literal: bool = False) -> float:
        self.sent = key
        return 10.0

    def settle(self, t: float, **_: Any) -> Any:
        if self.sent != "Escape":
            self.header = self.after
        return type("Settled", (), {"last_change": t + 0.3})()


@pytest.mark.parametrize(
    ("after", "measured"),
    [("Northwind Field Sales  ›  Deal room   Sprint 13", True), ("Northwind Field Sales  ›  Pipeline", False)],
)
def test_the_deal_room_gets_a_first_open_from_the_pipeline(
    monkeypatch: pytest.MonkeyPatch, after: str, measured: bool
) -> None:
    ui = tui.discover_ui()
    assert "pipeline.open" in ui.bindings
    monkeypatch.setattr(tui, "_switch", lambda _pane, _ui, mode: 0.2)
    run = tui.TuiRun()
    tui._open_deal_room(SettledPane("Northwind Field Sales  ›  Pipeline", after), ui, run)  # type: ignore[arg-type]
    if measured:
        assert run.screen_settle_ms == {tui.DEAL_ROOM: pytest.approx(300.0)}
    else:  # the key opened nothing: no figure, and a note says why
        assert run.screen_settle_ms == {} and run.notes and "deal room" in run.notes[0]


class ToastPane:
    """A screen with a toast for its first `toasts` captures."""

    def __init__(self, toasts: int) -> None:
        self.toasts = toasts
        self.captures = 0

    def capture(self) -> str:
        self.captures += 1
        body = "Pipeline\n│ card │"
        return body + ("  ▌ You have no open items of your own" if self.captures <= self.toasts else "")


def test_a_toast_left_from_before_is_let_go_before_the_next_key() -> None:
    pane = ToastPane(toasts=3)
    tui._toasts_gone(pane, timeout=5)  # type: ignore[arg-type]
    assert pane.captures == 4  # waited through the three captures with the toast
    quick = ToastPane(toasts=0)
    tui._toasts_gone(quick, timeout=5)  # type: ignore[arg-type]
    assert quick.captures == 1
