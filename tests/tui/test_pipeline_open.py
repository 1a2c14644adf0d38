"""The pipeline board's first open, counted from its key to the settled screen:
one read of the store, one layout, and the board's lines drawn once with the
data (the compositor cutting each line at the board's edges only, not at
every column, heading, card list and scrollbar of a board of containers)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from textual.screen import Screen
from textual.strip import Strip

from benchmarks.queries import recording
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.pipeline import PipelineScreen
from tests.tui.harness import settle, until

SIZE = (160, 48)


@contextmanager
def counting(monkeypatch: Any) -> Iterator[Counter[str]]:
    """Layouts and screen updates of the pipeline screen, and the strips the compositor cut."""
    counts: Counter[str] = Counter()
    layout, paint, divide = Screen._refresh_layout, Screen._compositor_refresh, Strip.divide

    def counted_layout(self: Screen[Any], *args: Any, **kwargs: Any) -> None:
        if isinstance(self, PipelineScreen):
            counts["layouts"] += 1
        layout(self, *args, **kwargs)

    def counted_paint(self: Screen[Any]) -> None:
        if isinstance(self, PipelineScreen):
            counts["updates"] += 1
        paint(self)

    def counted_divide(self: Strip, cuts: Any) -> Any:
        pieces = divide(self, cuts)
        counts["strips cut"] += len(pieces)
        return pieces

    monkeypatch.setattr(Screen, "_refresh_layout", counted_layout)
    monkeypatch.setattr(Screen, "_compositor_refresh", counted_paint)
    monkeypatch.setattr(Strip, "divide", counted_divide)
    yield counts


def open_board(store: Any, monkeypatch: Any) -> tuple[Counter[str], int]:
    """Open the pipeline (key 4) once the app has settled; the counts, and the statements sent."""

    async def main() -> tuple[Counter[str], int]:
        app = SalesSprintApp(store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.css_preloaded, what="the stylesheet preloaded")
            await settle(pilot)
            with counting(monkeypatch) as counts, recording(store.engine) as seen:
                await pilot.press("4")
                await settle(pilot)
                screen = app.screen
                assert isinstance(screen, PipelineScreen)
                await until(pilot, lambda: screen.board.focused_index() is not None, what="the board has its data")
                await settle(pilot)
                counts["board repaints"] = getattr(screen.board, "repaints", -1)
                # (not the live watcher's look for new changes, which runs on its own clock)
                return Counter(counts), len([s for s in seen if "FROM changes" not in s.sql])

    return asyncio.run(main())


def test_the_board_opens_with_one_read_one_layout_and_one_paint_of_its_data(demo_store, monkeypatch) -> None:
    counts, statements = open_board(demo_store, monkeypatch)
    # Who I am, the stages' SQL sums, one ranked read of every stage's first window:
    # once, though Textual resumes a screen twice on its first open.
    assert statements <= 3, statements
    # The data's arrival repaints the board once (its lines: no layout of its own).
    assert counts["board repaints"] == 1, counts
    # A board of nested containers had the compositor cut ~30 strips out of every
    # line it drew, each paint (13,405 on this open); one widget: a few per line.
    assert counts["strips cut"] < 1_000, counts
    # The rest is the screen's own machinery (Textual resumes a first open twice,
    # the footer's keys mount): it was 7 layouts and 10 updates with the old board.
    assert counts["layouts"] <= 4 and counts["updates"] <= 6, counts
