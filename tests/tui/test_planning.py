"""Sprint planning: plan with a goal, capacity vs committed, remove, start, close."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input

from salessprint.services.backlog import backlog_page
from salessprint.services.reports.forecast import member_forecasts
from salessprint.services.reports.velocity import velocity
from salessprint.services.sprints import add_item, list_sprints, plan_sprint, sprint_items
from salessprint.services.team import set_forecast_window
from salessprint.tui.modals.confirm import ConfirmModal
from salessprint.tui.modals.goal_form import GoalForm
from salessprint.tui.screens.planning import PlanningScreen
from tests.tui.harness import async_test, make_app, notified, screen_text, settle, until


async def open_planning(pilot: Any) -> PlanningScreen:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanningScreen)
    return screen


def plan_with_items(store: Any, login: str = "alex", how_many: int = 6) -> list[Any]:
    """Sprint 14 planned by the manager, with some of `login`'s open deals in it."""
    plan_sprint(store, "maria", goal="Win the Falkenberg renewal")
    rows = [r for r in backlog_page(store, login, mine=True).rows if r.sprint_number is None][:how_many]
    return [add_item(store, login, r.item_type, r.id) for r in rows]


def sprint(store: Any, number: int) -> Any:
    return next(s for s in list_sprints(store, "maria") if s.number == number)


@async_test
async def test_manager_plans_the_next_sprint_with_a_goal(demo_store: Any) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_planning(pilot)
        assert "No sprint planned" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, GoalForm)
        assert app.screen.query_one("#f-goal", Input).has_focus
        await pilot.press(*"Close [bold]three[/] renewals")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlanningScreen)
        planned = sprint(demo_store, 14)
        assert planned.state == "planned" and planned.goal == "Close [bold]three[/] renewals"
        text = screen_text(app)
        assert "Sprint 14 (planned)" in text
        assert "Close [bold]three[/] renewals" in text


@async_test
async def test_capacity_shows_forecast_beside_committed_and_over_commitment(demo_store: Any) -> None:
    items = plan_with_items(demo_store, "alex", how_many=12)
    committed = sum(i.points for i in items)
    forecast = member_forecasts(demo_store, "maria")["alex"]
    assert forecast is not None and committed > forecast  # twelve deals is more than alex usually finishes
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        cap = screen.query_one("#planning-capacity", DataTable)
        row = [c.plain for c in cap.get_row("alex")]
        assert row[0] == "Alex Novak" and row[1] == str(forecast) and row[4] == str(committed)
        assert row[5] == f"{committed - forecast} over"
        assert screen.query_one("#planning-items", DataTable).row_count == len(items)
        text = screen_text(app)
        assert "Win the Falkenberg renewal" in text and f"{committed - forecast} over" in text


@async_test
async def test_remove_takes_an_item_out(demo_store: Any) -> None:
    items = plan_with_items(demo_store, "alex", how_many=3)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("x")
        await settle(pilot)
        left = [i for i in sprint_items(demo_store, "maria", 14) if not i.removed]
        assert len(left) == len(items) - 1
        assert screen.query_one("#planning-items", DataTable).row_count == len(items) - 1


@async_test
async def test_close_with_carry_over_then_start_the_next(demo_store: Any) -> None:
    open_before = [i for i in sprint_items(demo_store, "maria", 13) if i.status != "done" and not i.removed]
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("s")  # nothing planned yet
        await until(pilot, lambda: any("no planned sprint" in m for m in notified(app)))
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert sprint(demo_store, 13).state == "closed"
        carried = sprint_items(demo_store, "maria", 14)
        assert len(carried) == len(open_before) and sprint(demo_store, 14).state == "planned"
        assert screen.data is not None and screen.data.planned is not None and screen.data.planned.number == 14
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert sprint(demo_store, 14).state == "active"
        assert "Sprint 14 (active)" in screen_text(app).splitlines()[0]


@async_test
async def test_a_rep_may_not_plan_and_no_form_opens(demo_store: Any) -> None:
    """Planning is a manager's: a rep's `n` is shown disabled (tests/tui/test_guards.py), nothing opens."""
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        planning = await open_planning(pilot)
        # The hint names only keys a rep has.
        await until(pilot, lambda: "A manager plans the next one" in screen_text(app), what="a rep's hint")
        assert "n plans the next one" not in screen_text(app) and "(c closes it)" not in screen_text(app)
        await pilot.press("n", "ctrl+s")  # (typed letters would be Planning's own keys: `o` is a day off)
        await settle(pilot)
        assert app.screen is planning
        assert [s.number for s in list_sprints(demo_store, "alex")][-1] == 13


@async_test
async def test_capacity_says_unknown_with_the_reason_and_uses_the_teams_window(demo_store: Any) -> None:
    # The demo has 12 closed sprints; the team asks for 13 before a forecast is known.
    plan_with_items(demo_store, "alex", how_many=2)
    set_forecast_window(demo_store, "maria", min_history=13)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        cap = screen.query_one("#planning-capacity", DataTable)
        await until(pilot, lambda: cap.row_count > 0)
        row = [c.plain for c in cap.get_row("alex")]
        assert row[1] == "unknown" and row[5] == "12 closed sprints; a forecast needs 13"
        text = screen_text(app)
        assert "team forecast unknown (12 closed sprints; a forecast needs 13)" in text
        assert "None" not in text
    # A window of 6: each rep's forecast is the mean of the last 6 sprints, as in `report velocity`.
    set_forecast_window(demo_store, "maria", history=6, min_history=3)
    expected = velocity(demo_store, "maria", 12, 6, 3).forecast_by_member["alex"]
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        cap = screen.query_one("#planning-capacity", DataTable)
        await until(pilot, lambda: cap.row_count > 0)
        assert [c.plain for c in cap.get_row("alex")][1] == str(expected)
        assert "(mean of the last 6 closed sprints)" in screen_text(app)


def test_planning_snapshot(demo_store: Any, snap_compare: Any) -> None:
    plan_with_items(demo_store, "alex", how_many=8)
    for login in ("bea", "chris"):
        for r in [r for r in backlog_page(demo_store, login, mine=True).rows if r.sprint_number is None][:3]:
            add_item(demo_store, login, r.item_type, r.id)

    async def ready(pilot: Any) -> None:
        await open_planning(pilot)

    assert snap_compare(make_app(demo_store, "maria"), terminal_size=(140, 40), run_before=ready)


@async_test
async def test_starting_asks_from_today_or_on_the_planned_dates(demo_store: Any) -> None:
    from datetime import date

    from salessprint.services.sprints import close_sprint
    from salessprint.tui.modals.start_sprint import StartSprintModal

    close_sprint(demo_store, "maria", carry_over=False)
    planned = plan_sprint(demo_store, "maria", goal="Next")
    assert (planned.starts_on, planned.ends_on) == (date(2026, 11, 30), date(2026, 12, 6))
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_planning(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, StartSprintModal))
        question = screen_text(app)
        # Thursday 26 Nov: from today it runs a week, to Wednesday 2 Dec.
        assert "From today it runs Thu 26 Nov to Wed 02 Dec 2026." in question
        assert "It was planned for Mon 30 Nov to Sun 06 Dec 2026." in question
        await pilot.press("k")
        await until(pilot, lambda: sprint(demo_store, 14).state == "active")
        started = sprint(demo_store, 14)
        assert (started.starts_on, started.ends_on) == (date(2026, 11, 30), date(2026, 12, 6))
        await until(pilot, lambda: any("Sprint 14 started: 2026-11-30 to 2026-12-06." in m for m in notified(app)))
        assert screen.data is not None
