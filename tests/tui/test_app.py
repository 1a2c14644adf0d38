"""The app shell: first screen, number keys, `?` keys overlay, command palette."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette

from salessprint.domain.enums import TaskStatus
from salessprint.services.sprints import sprint_items
from salessprint.tui.app import SCREENS
from salessprint.tui.commands import screen_commands
from salessprint.tui.modals.help import KeysModal
from salessprint.tui.screens.board import BoardScreen
from tests.tui.harness import async_test, make_app, screen_text, settle, until


@async_test
async def test_without_an_active_sprint_it_opens_on_the_backlog(empty_team: Any) -> None:
    app = make_app(empty_team, "ada")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.current_mode == "backlog"
        text = screen_text(app)
        assert "Fresh Start GmbH" in text
        assert "No active sprint" in text
        assert "Nothing here yet" in text


def test_screens_are_numbered_in_order() -> None:
    assert [(name, key) for name, key, _t, _c in SCREENS][:4] == [
        ("today", "0"),
        ("backlog", "1"),
        ("planning", "2"),
        ("board", "3"),
    ]


@async_test
async def test_number_keys_switch_screens_and_header_follows(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for key, mode, title in (("1", "backlog", "Backlog"), ("2", "planning", "Planning"), ("3", "board", "Board")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            header = screen_text(app).splitlines()[0]
            assert f"›  {title}" in header
            assert "Northwind Field Sales" in header
            assert "Sprint 13 (active)" in header
            assert "3 days left" in header  # Thursday 26 Nov; the sprint ends Sunday 29 Nov
            assert "Alex Novak" in header


@async_test
async def test_question_mark_lists_the_keys_of_the_current_screen(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # a rep opens on Today
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysModal)
        text = screen_text(app)
        assert "Keys: Board" in text
        assert "move card right" in text and "filter rep" in text
        assert "pull into sprint" not in text  # a backlog key, not the board's
        await pilot.press("escape")
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Keys: Backlog" in text and "pull into sprint" in text and "rank up" in text


@async_test
async def test_every_binding_has_id_description_tooltip_and_palette_entry(demo_store: Any) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        for name, _key, title, cls in SCREENS[:3]:
            await app.switch_mode(name)
            await settle(pilot)
            for binding in [*cls.BINDINGS, *app.BINDINGS]:
                assert binding.id and binding.description and binding.tooltip, binding
            titles = {c.title for c in screen_commands(app.screen)}
            for binding in cls.BINDINGS:
                assert any(
                    t.startswith(f"{title}: ") and t.lower().endswith(binding.description.lower()) for t in titles
                ), (binding.description, titles)
        await app.switch_mode("board")
        await settle(pilot)
        assert "Board: move card right" in {c.title for c in screen_commands(app.screen)}


@async_test
async def test_palette_runs_a_screen_action(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # a rep opens on Today
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        card = board.cards[TaskStatus.TODO][0]
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"move card right")
        await settle(pilot)  # the palette's search is a worker
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.highlighted is not None, what="a command is highlighted")
        await pilot.press("enter")
        await settle(pilot)
        assert {c.id: c.status for c in sprint_items(demo_store, "alex")}[card.id] == "doing"


@async_test
async def test_screen_keys_wait_until_the_store_is_open(empty_team: Any) -> None:
    app = make_app(empty_team, "ada")
    assert app.check_action("switch_mode", ("board",)) is None  # shown, disabled while starting
    assert app.check_action("quit", ()) is True
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.check_action("switch_mode", ("board",)) is True


LAZY_PROBE = r"""
import asyncio, sys, time
from salessprint.services import open_store
from salessprint.services.team import init_team
from salessprint.tui.app import Opened, SalesSprintApp

url = sys.argv[1]
store = open_store(url, check_schema=False)
init_team(store, "Lazy", "ada", "Ada Admin")
store.dispose()

async def main():
    app = SalesSprintApp(connect=lambda: Opened(open_store(url), "ada"))
    async with app.run_test(size=(100, 30)) as pilot:
        deadline = time.monotonic() + 60
        while not (app.current_mode == "backlog" and app.screen.is_mounted):
            assert time.monotonic() < deadline, "the backlog never opened"
            await pilot.pause(0.02)
        # What was imported when the first screen showed (afterwards, while idle,
        # the app preloads every screen: tui/css_preload.py).
        print("SCREENS:" + ",".join(sorted(m.rsplit(".", 1)[1] for m in sys.modules
                                           if m.startswith("salessprint.tui.screens.") and m != "salessprint.tui.screens.base")))
        await app.workers.wait_for_complete()
    app.store.dispose()

asyncio.run(main())
"""


def test_only_the_first_screens_module_is_imported(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {
        "SALESSPRINT_CONFIG": str(tmp_path / "c.toml"),
        "SALESSPRINT_DATA_DIR": str(tmp_path / "d"),
        "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE, f"sqlite:///{tmp_path / 'lazy.db'}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "SCREENS:backlog" in done.stdout.strip().splitlines()


@async_test
async def test_the_garbage_collector_paused_for_start_up_comes_back_frozen(
    demo_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`open_tui` pauses the collector; the app switches it back on once started,
    with the start-up objects frozen (full collections stay cheap)."""
    import gc

    import salessprint.tui.app as app_module

    monkeypatch.setattr(app_module, "GC_SETTLE_SECONDS", 0.1)
    gc.disable()
    try:
        app = make_app(demo_store, "maria")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await until(pilot, gc.isenabled, what="the collector is back on")
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def _drawn_lines(screen: Any) -> int:
    """Lines the widgets of `screen` hold drawn (Textual's line cache per widget)."""
    return sum(len(widget._styles_cache._cache) for widget in screen.walk_children(with_self=True))


@async_test
async def test_a_screen_left_keeps_no_drawn_lines_and_redraws_the_same_on_return(demo_store: Any) -> None:
    """Every mode's screen stays alive once opened; the lines it drew do not
    (on the large store they grew the peak RSS by ~19 MB over every screen)."""
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        before = screen_text(app)
        assert _drawn_lines(board) > 0
        await pilot.press("1")
        await settle(pilot)
        await until(pilot, lambda: _drawn_lines(board) == 0, what="the board's lines dropped")
        assert _drawn_lines(app.screen) > 0  # the screen shown keeps its own
        await pilot.press("3")
        await settle(pilot)
        assert app.screen is board
        assert screen_text(app) == before
