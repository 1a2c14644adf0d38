"""Today, the rep's home: it opens first for a rep, its keys act on the store
(Enter, d, l, R + a day, X, ctrl+z), and the screen shows what the store holds."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from salessprint.services.activities import list_activities
from salessprint.services.tasks import add_task, get_task
from salessprint.services.today import today
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.reschedule import RescheduleModal
from salessprint.tui.modals.task_form import TaskForm
from salessprint.tui.screens.deal_room import DealRoomScreen
from salessprint.tui.screens.today import TodayScreen
from tests.tui.harness import HOSTILE, make_app, notified, screen_text, settle, type_fast, until

SIZE = (140, 40)
THURSDAY = date(2026, 11, 26)  # the frozen clock's day in the demo team's Berlin time (11:30)


def run(app: SalesSprintApp, scenario: Any, size: tuple[int, int] = SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())


def today_screen(app: SalesSprintApp) -> TodayScreen:
    screen = app.screen
    assert isinstance(screen, TodayScreen), screen
    return screen


def stale_due_dates(store: Any, login: str) -> dict[int, date | None]:
    view = today(store, login)
    return {t.id: t.due_on for t in view.tasks.items if t.days_late > 0}


def test_a_rep_opens_on_today_and_a_manager_on_the_board(demo_store: Any) -> None:
    rep = make_app(demo_store, "alex")

    async def as_rep(pilot: Pilot[Any]) -> None:
        assert rep.current_mode == "today"
        text = screen_text(rep)
        assert "›  Today" in text.splitlines()[0]
        for words in (
            "Calls     4 of 12 today · should be at 3.8 by now (11:30)",  # 12 × 2.5/8 h = 3.75
            "Tasks due and overdue (5)",
            "57 days late",
            "Follow-up: Ironbridge Platform licence",
            "Calls and meetings today (1)",
            "Call: Hopfen Onboarding package",
            "Open deals without a next step (0)",
            "Rotting deals (no stage change for 21+ days) (1)",
            "Wolkenkratzer Premium support",
            "4 stale tasks: R reschedules, X clears the due date",
        ):
            assert words in text, words
        await pilot.press("1")
        await settle(pilot)
        assert rep.current_mode == "backlog"
        await pilot.press("0")
        await settle(pilot)
        assert rep.current_mode == "today" and "Tasks due and overdue" in screen_text(rep)

    run(rep, as_rep)
    manager = make_app(demo_store, "maria")

    async def as_manager(pilot: Pilot[Any]) -> None:
        assert manager.current_mode == "board"  # the active sprint's board, as before

    run(manager, as_manager)


def test_d_finishes_the_selected_task_and_enter_opens_its_form(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    first = today(demo_store, "alex").tasks.items[0]

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = today_screen(app)
        line = screen.selected()
        assert line is not None and (line.kind, line.id) == ("task", first.id)  # the cursor starts on it
        await pilot.press("d")
        await until(pilot, lambda: first.title not in screen_text(app), what="the finished task leaves Today")
        assert get_task(demo_store, "alex", first.id).status == "done"
        assert "Tasks due and overdue (4)" in screen_text(app)
        line = screen.selected()
        assert line is not None and line.kind == "task"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TaskForm)
        await pilot.press("escape")
        await settle(pilot)
        assert today_screen(app) is screen

    run(app, scenario)


def test_enter_on_a_deal_opens_its_room_and_l_logs_a_call_on_it(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    rotting = today(demo_store, "alex").rotting.items[0]

    async def scenario(pilot: Pilot[Any]) -> None:
        screen = today_screen(app)
        await pilot.press("end")  # the last row: the rotting deal
        line = screen.selected()
        assert line is not None and (line.kind, line.id) == ("deal", rotting.id)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DealRoomScreen), what="the deal room")
        assert isinstance(app.screen, DealRoomScreen) and app.screen.deal_id == rotting.id
        await settle(pilot)
        assert rotting.title in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert today_screen(app) is screen
        type_fast(app, "l", "c")  # both keys at once: the dialog opens with the deal, then logs
        await until(pilot, lambda: any("Call logged" in m for m in notified(app)), what="the call logged")

    run(app, scenario)
    newest = list_activities(demo_store, "alex", limit=1)[0]
    assert (newest.kind, newest.deal_id) == ("call", rotting.id)


def test_R_and_a_letter_move_every_stale_task_and_ctrl_z_puts_them_back(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    before = stale_due_dates(demo_store, "alex")
    assert len(before) == 4

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RescheduleModal)
        assert "Move 4 stale tasks to…" in screen_text(app)
        await pilot.press("o")  # tomorrow
        await until(pilot, lambda: "Tasks due and overdue (1)" in screen_text(app), what="the stale tasks moved")
        assert all(get_task(demo_store, "alex", i).due_on == THURSDAY + timedelta(days=1) for i in before)
        assert any("Rescheduled 4 stale tasks to Fri 2026-11-27" in m for m in notified(app))
        assert "stale tasks:" not in screen_text(app)
        await pilot.press("ctrl+z")
        await until(pilot, lambda: "Tasks due and overdue (5)" in screen_text(app), what="the tasks back on Today")
        assert "57 days late" in screen_text(app)

    run(app, scenario)
    assert stale_due_dates(demo_store, "alex") == before


def test_R_with_a_typed_date_and_a_past_date_refused_in_place(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    before = stale_due_dates(demo_store, "alex")

    async def scenario(pilot: Pilot[Any]) -> None:
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("tab", *"2026-11-01", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RescheduleModal)  # still open, saying why
        assert "2026-11-01 is in the past" in screen_text(app)
        assert stale_due_dates(demo_store, "alex") == before
        await pilot.press(*["backspace"] * 10, *"2026-12-03", "enter")
        await until(pilot, lambda: "Tasks due and overdue (1)" in screen_text(app), what="the tasks moved")

    run(app, scenario)
    assert all(get_task(demo_store, "alex", i).due_on == date(2026, 12, 3) for i in before)


def test_X_clears_the_stale_due_dates_and_ctrl_z_restores_them(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    before = stale_due_dates(demo_store, "alex")

    async def scenario(pilot: Pilot[Any]) -> None:
        type_fast(app, "X")
        await until(pilot, lambda: "Tasks due and overdue (1)" in screen_text(app), what="the due dates cleared")
        assert all(get_task(demo_store, "alex", i).due_on is None for i in before)
        await settle(pilot)
        assert today_screen(app).check_action("clear", ()) is None  # nothing stale: X is disabled
        type_fast(app, "ctrl+z")
        await until(pilot, lambda: "Tasks due and overdue (5)" in screen_text(app), what="the due dates back")

    run(app, scenario)
    assert stale_due_dates(demo_store, "alex") == before


def test_keys_typed_while_the_app_starts_act_on_the_loaded_list(demo_store: Any) -> None:
    """`R o` typed before the first frame: the dialog opens on Today's figures and moves the tasks."""
    app = make_app(demo_store, "alex")
    before = stale_due_dates(demo_store, "alex")

    async def main() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            type_fast(app, "R", "o")
            await until(pilot, lambda: "Tasks due and overdue (1)" in screen_text(app), what="the stale tasks moved")

    asyncio.run(main())
    assert all(get_task(demo_store, "alex", i).due_on == THURSDAY + timedelta(days=1) for i in before)


def test_task_titles_show_as_typed(demo_store: Any) -> None:
    for title in HOSTILE:
        add_task(demo_store, "alex", title=title, due_on=THURSDAY.isoformat())
    app = make_app(demo_store, "alex")

    async def scenario(pilot: Pilot[Any]) -> None:
        text = screen_text(app)
        for title in HOSTILE:
            assert title in text, title

    run(app, scenario)


@pytest.mark.parametrize(("theme", "size"), [("salessprint-dark", SIZE), ("projector", (200, 50))])
def test_today_snapshot(demo_store: Any, snap_compare: Any, theme: str, size: tuple[int, int]) -> None:
    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        assert pilot.app.theme == theme
        assert isinstance(pilot.app.screen, TodayScreen)

    assert snap_compare(make_app(demo_store, "alex", theme=theme), terminal_size=size, run_before=ready)
