"""Planning with time off: each rep's available days and capacity, over-commitment
against that capacity, and a key that records a day off from the screen."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.widgets import DataTable

from salessprint.services.capacity import list_time_off
from salessprint.services.reports.forecast import member_forecasts
from salessprint.tui.modals.time_off_form import TimeOffForm
from tests.tui.harness import async_test, make_app, screen_text, settle, type_fast, until
from tests.tui.test_planning import open_planning, plan_with_items


def capacity_row(screen: Any, login: str) -> list[str]:
    return [c.plain for c in screen.query_one("#planning-capacity", DataTable).get_row(login)]


@async_test
async def test_dump(demo_store: Any) -> None:
    items = plan_with_items(demo_store, "alex", how_many=12)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_planning(pilot)
        await settle(pilot)
        print(screen_text(app))
        screen.query_one("#planning-capacity", DataTable).focus()
        type_fast(app, "o", *"2026-12-01", "ctrl+s")
        await settle(pilot)
        print(screen_text(app))
        raise AssertionError
