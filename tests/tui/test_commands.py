"""The command palette offers every action of the app from any screen: it
switches to the right screen first, and leaves out what my role may not do."""

from __future__ import annotations

from typing import Any

from textual.command import CommandList, CommandPalette

from salessprint.domain.enums import TaskStatus
from salessprint.services.sprints import list_sprints, sprint_items
from salessprint.tui.app import SCREENS
from salessprint.tui.commands import other_screens_commands, screen_commands
from salessprint.tui.screens.board import BoardScreen
from salessprint.tui.screens.dashboard import DashboardScreen
from tests.tui.harness import async_test, make_app, settle, type_fast, until

SIZE = (150, 40)


async def open_dashboard(pilot: Any) -> DashboardScreen:
    await settle(pilot)
    await pilot.press("7")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


async def palette_choices(pilot: Any, query: str, *, some: bool = True) -> list[str]:
    """Open the palette, type `query`; the titles it offers (once its search has answered;
    `some`: wait until it offers at least one)."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    type_fast(app, *query)
    await settle(pilot)  # the palette's search is a worker
    commands = app.screen.query_one(CommandList)
    if some:
        await until(pilot, lambda: commands.highlighted is not None, what="a command is highlighted")
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


@async_test
async def test_move_card_from_the_dashboard_opens_the_board_and_moves_the_card(demo_store: Any) -> None:
    todo = [c for c in sprint_items(demo_store, "maria") if c.status == TaskStatus.TODO and not c.removed]
    app = make_app(demo_store, "maria")
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        choices = await palette_choices(pilot, "move card")
        assert any("Board: move card right" in c for c in choices), choices
        if "Board: move card right" not in choices[0]:  # the right one highlighted, whatever the scores
            await pilot.press(*["down"] * next(i for i, c in enumerate(choices) if "move card right" in c))
        await pilot.press("enter")
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        await until(pilot, lambda: board.cards[TaskStatus.DOING], what="the board's cards")
    after = {c.id: c.status for c in sprint_items(demo_store, "maria")}
    moved = [c for c in todo if after[c.id] == TaskStatus.DOING]
    assert len(moved) == 1, moved  # the first To do card, once


@async_test
async def test_the_palette_leaves_out_what_my_role_may_not_do(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE) as pilot:
        await open_dashboard(pilot)
        choices = await palette_choices(pilot, "sprint")
        assert any("Backlog: pull into sprint" in c for c in choices), choices  # a rep pulls their own
        assert not any(c.startswith(("Planning: close sprint", "Planning: start sprint")) for c in choices), choices
        await pilot.press("escape")
        await settle(pilot)
        # On Planning itself the key is disabled: not a palette entry either.
        await pilot.press("2")
        await settle(pilot)
        choices = await palette_choices(pilot, "close sprint", some=False)
        assert not any(c.startswith("Planning: close sprint") for c in choices), choices
    assert any(s.state == "active" for s in list_sprints(demo_store, "alex"))


@async_test
async def test_every_screen_in_screens_is_in_the_palette_current_one_first(demo_store: Any) -> None:
    """A screen added to SCREENS (say, Today) is offered without touching the palette."""
    app = make_app(demo_store, "maria")
    async with app.run_test(size=SIZE) as pilot:
        dashboard = await open_dashboard(pilot)
        here = [c.title for c in screen_commands(dashboard) if c.enabled]
        others = [c.title for c in other_screens_commands(app, DashboardScreen)]
        assert here[0].startswith(("Dashboard: ", "App: ")) and not any(t.startswith("Dashboard: ") for t in others)
        offered = {t.lower() for t in here + others}
        for _mode, _key, title, lazy in SCREENS:
            for binding in lazy.BINDINGS:
                if binding.id and binding.description:
                    assert f"{title}: {binding.description}".lower() in offered, (title, binding.id)
