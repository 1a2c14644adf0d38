"""User text shows exactly as typed: markup-looking titles, goals and names
render verbatim on every screen, list, header and notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from salessprint.services import open_store
from salessprint.services.deals import add_deal
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task
from salessprint.services.team import init_team
from salessprint.tui.screens.backlog import BacklogScreen
from salessprint.tui.widgets.row_table import RowTable
from tests.tui.harness import async_test, make_app, notified, screen_text, settle, until

HOSTILE = ["[bold]x[/bold]", "[/]", "[link=x]y", "[red]not red", "$var ${x} \\[esc]"]


@pytest.fixture
def hostile_store(tmp_path: Path, frozen: Any):
    store = open_store(f"sqlite:///{tmp_path / 'hostile.db'}", check_schema=False)
    init_team(store, "[bold]Team[/bold] [/]", "ada", "[i]Ada[/i]")
    for i, title in enumerate(HOSTILE):
        deal = add_deal(store, "ada", title=title, account=f"[acct]{i}", value="100", points=1)
        add_task(store, "ada", title=f"{title} task", kind="call", points=1)
        if i < 3:
            plan_sprint(store, "ada", goal="[link=x]goal[/link]") if i == 0 else None
            add_item(store, "ada", "deal", deal.id)
    start_sprint(store, "ada")
    plan_sprint(store, "ada", goal="[/]next [b]goal")
    yield store
    store.dispose()


@async_test
async def test_hostile_text_renders_verbatim_everywhere(hostile_store: Any) -> None:
    app = make_app(hostile_store, "ada")
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await settle(pilot)
        # Board (first screen): cards, header with team, goal and my name.
        assert app.current_mode == "board"
        text = screen_text(app)
        header = text.splitlines()[0]
        assert "[bold]Team[/bold] [/]" in header
        assert "[link=x]goal[/link]" in header
        assert "[i]Ada[/i]" in header
        for title in HOSTILE[:3]:
            assert title in text, title
        # Backlog: every title, task titles and accounts.
        await pilot.press("1")
        await settle(pilot)
        text = screen_text(app)
        for title in HOSTILE:
            assert title in text, title
            assert f"{title} task" in text, title
        assert "[acct]0" in text
        # The filter box echoes markup verbatim and matches it literally.
        await pilot.press("slash", *"[/]")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BacklogScreen)
        assert screen.page is not None
        assert {r.title for r in screen.page.rows} == {"[/]", "[/] task"}
        assert "filter: [/]" in screen_text(app)
        await pilot.press("enter")
        # A notification quoting a title (pull the task into the sprint).
        row = next(r for r in screen.page.rows if r.item_type == "task")
        screen.query_one("#backlog-table", RowTable).move_cursor(row=screen.page.rows.index(row))
        await pilot.press("p")
        # The toast is looked for as soon as it is up: it times out after a few seconds.
        await until(pilot, lambda: "Pulled into sprint 2: [/] task" in notified(app))
        await until(pilot, lambda: "Pulled into sprint 2: [/] task" in screen_text(app))
        await settle(pilot)
        # Planning: the next sprint's goal and the pulled item.
        await pilot.press("2")
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]Team[/bold] [/]" in text.splitlines()[0]
        assert "[/]next [b]goal" in text and "[/] task" in text and "[i]Ada[/i]" in text
        # Edit form shows the stored title as typed.
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "[/] task" in screen_text(app)
        # The keys overlay and the delete question keep titles verbatim too.
        await pilot.press("escape")
        await pilot.press("x")
        await pilot.pause()
        assert "[/] task" in screen_text(app)
