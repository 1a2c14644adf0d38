"""Planning with time off: each rep's available days and capacity, over-commitment
against that capacity, a key that records a day off from the screen, and the
owner column sized to the names."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from textual.widgets import DataTable

from salessprint.services.capacity import add_time_off, list_time_off
from salessprint.services.reports.forecast import member_forecasts
from salessprint.tui.modals.time_off_form import TimeOffForm
from salessprint.tui.screens.planning import PlanningScreen
from tests.tui.harness import async_test, make_app, screen_text, settle, type_fast, until
from tests.tui.test_planning import open_planning, plan_with_items


def item_lines(app: Any) -> list[str]:
    """The committed items' lines on screen (the type column says deal)."""
    return [line for line in screen_text(app).splitlines() if re.search(r" deal\s*│", line)]


def capacity_row(screen: Any, login: str) -> list[str]:
    return [c.plain for c in screen.query_one("#planning-capacity", DataTable).get_row(login)]


@async_test
async def test_a_day_off_from_planning_drops_capacity_and_shows_over_commitment(demo_store: Any) -> None:
    committed = sum(i.points for i in plan_with_items(demo_store, "alex", how_many=12))
    forecast = member_forecasts(demo_store, "maria")["alex"]
    assert (committed, str(forecast)) == (29, "15.7")
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        assert capacity_row(screen, "alex") == ["Alex Novak", "15.7", "5/5", "15.7", "29", "13.3 over"]
        screen.query_one("#planning-capacity", DataTable).focus()  # alex's row is the first
        type_fast(app, "o", *"2026-12-01", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PlanningScreen) and "4/5" in capacity_row(screen, "alex"))
        # 15.7 x 4/5 = 12.56 -> 12.6; 29 committed is 16.4 over that.
        assert capacity_row(screen, "alex") == ["Alex Novak", "15.7", "4/5", "12.6", "29", "16.4 over"]
        assert [(t.login, t.day) for t in list_time_off(demo_store, "maria")] == [("alex", date(2026, 12, 1))]
        text = screen_text(app)
        assert "16.4 over" in text and "capacity 59.6 pt over 5 working days" in text


@async_test
async def test_a_rep_records_their_own_stretch_and_bad_input_keeps_the_form(demo_store: Any) -> None:
    plan_with_items(demo_store, "alex", how_many=2)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        type_fast(app, "o", *"2026-12-05", "ctrl+s")  # a Saturday
        await until(pilot, lambda: isinstance(app.screen, TimeOffForm) and "2026-12-05 is not" in screen_text(app))
        assert "Day off for Alex Novak" in screen_text(app)
        assert list_time_off(demo_store, "alex") == []
        type_fast(app, *["backspace"] * 10, *"2026-12-02", "tab", *"2026-12-03", "tab", *"[bold]x[/]", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, PlanningScreen) and "3/5" in capacity_row(screen, "alex"))
        assert [(t.day.day, t.note) for t in list_time_off(demo_store, "alex")] == [
            (2, "[bold]x[/]"),
            (3, "[bold]x[/]"),
        ]


@async_test
async def test_an_empty_day_says_it_is_required(demo_store: Any) -> None:
    plan_with_items(demo_store, "alex", how_many=1)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_planning(pilot)
        type_fast(app, "o", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TimeOffForm) and "Day is required" in screen_text(app))
        type_fast(app, "escape")
        await until(pilot, lambda: isinstance(app.screen, PlanningScreen))
        assert list_time_off(demo_store, "maria") == []


@async_test
async def test_owner_names_show_whole_beside_long_titles(demo_store: Any) -> None:
    items = plan_with_items(demo_store, "alex", how_many=12)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_planning(pilot)
        table = screen.query_one("#planning-items", DataTable)
        await until(pilot, lambda: table.row_count == len(items))
        lines = item_lines(app)
        assert lines and all("Alex Novak" in line for line in lines)
        assert any("…" in line for line in lines)  # long titles are cut instead
        await pilot.resize_terminal(160, 30)
        await settle(pilot)
        lines = item_lines(app)
        assert all("Alex Novak" in line for line in lines)


def test_planning_capacity_snapshot(demo_store: Any, snap_compare: Any) -> None:
    plan_with_items(demo_store, "alex", how_many=8)
    add_time_off(demo_store, "maria", day="2026-12-01", member="alex", note="training")
    add_time_off(demo_store, "maria", day="2026-12-04", team=True, note="Team offsite")

    async def ready(pilot: Any) -> None:
        await open_planning(pilot)

    assert snap_compare(make_app(demo_store, "maria"), terminal_size=(140, 40), run_before=ready)
