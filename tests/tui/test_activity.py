"""The Activity screen: goals fill as I log; two keys log an activity."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from salessprint.services.activities import list_activities
from salessprint.services.activity_view import my_goals
from salessprint.services.deals import add_deal
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.log_activity import LogActivityModal
from salessprint.tui.screens.activity import ActivityScreen
from salessprint.tui.widgets.goal_bar import GoalBar
from tests.tui.harness import HOSTILE, run_on, screen_text, settle, toast_shown, until

SIZE = (140, 40)


def run(store: Any, login: str, scenario: Any) -> None:
    async def on_activity(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        assert isinstance(app.screen, ActivityScreen)
        await scenario(pilot, app)

    run_on(store, login, "5", SIZE, on_activity)


def calls_done(store: Any, login: str) -> tuple[int, int]:
    view = my_goals(store, login)
    today = next(g for g in view.today_goals if g.kind == "call")
    week = next(g for g in view.week_goals if g.kind == "call")
    return today.done, week.done


def test_l_then_c_logs_a_call_that_counts_towards_the_goal(demo_store) -> None:
    before_today, before_week = calls_done(demo_store, "alex")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        bar = screen.query_one("#today-call", GoalBar)
        assert (bar.done, bar.target) == (before_today, 12)  # alex: 12 calls a day
        progress = bar.progress
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogActivityModal)
        await pilot.press("c", "c")  # a second c while saving must not log twice
        await toast_shown(pilot, "Call logged")
        await settle(pilot)
        assert isinstance(app.screen, ActivityScreen)
        assert calls_done(demo_store, "alex") == (before_today + 1, before_week + 1)
        assert bar.done == before_today + 1
        assert bar.progress == progress + 1
        week = screen.query_one("#week-call", GoalBar)
        assert week.done == before_week + 1
        goal = next(g for g in my_goals(demo_store, "alex").week_goals if g.kind == "call")
        assert goal.expected is not None and week.has_class("behind") == (goal.done < goal.expected)
        text = screen_text(app)
        assert f"{before_today + 1} / 12" in text

    run(demo_store, "alex", scenario)


def test_outcome_and_deal_go_with_the_highlighted_kind(demo_store) -> None:
    deal = add_deal(demo_store, "alex", title=HOSTILE[0], account="Hostile [/] GmbH", value="500")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("down")  # meeting
        await pilot.press("slash")  # the deal picker
        await settle(pilot)
        await pilot.press(*HOSTILE[0], "enter")  # searched as typed, never as markup
        await settle(pilot)
        assert isinstance(app.screen, LogActivityModal) and app.screen.deal is not None
        await pilot.press("tab", *"Demo booked [b]")
        await pilot.press("ctrl+s")
        await toast_shown(pilot, f"Meeting logged on {HOSTILE[0]}: Demo booked [b]")
        await settle(pilot)
        newest = list_activities(demo_store, "alex", member="alex", limit=1)[0]
        assert (newest.kind, newest.outcome, newest.deal_id) == ("meeting", "Demo booked [b]", deal.id)
        table = app.screen.query_one("#recent", DataTable)
        cells = [c.plain for c in table.get_row_at(0)]
        assert cells[1:] == ["Meeting", HOSTILE[0], "Demo booked [b]"]
        assert HOSTILE[0] in screen_text(app)

    run(demo_store, "alex", scenario)


def test_a_refused_log_shows_the_error_beside_the_field_and_saves_nothing(demo_store) -> None:
    before = calls_done(demo_store, "alex")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        await pilot.press("l")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, LogActivityModal)
        modal.query_one("#outcome", Input).value = "x" * 301  # too long for the store
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is modal  # still open
        error = modal.query_one("#outcome-error")
        assert error.display and str(error.render()) == "Outcome is at most 300 characters"
        assert "at most 300 characters" in screen_text(app)
        assert calls_done(demo_store, "alex") == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ActivityScreen)
        assert calls_done(demo_store, "alex") == before

    run(demo_store, "alex", scenario)


async def recent_rows_shown(pilot: Pilot[Any]) -> None:
    """Wait until the latest-activities table has its rows (the snapshot must
    not race the worker that fills it on a busy machine)."""
    table = pilot.app.screen.query_one("#recent", DataTable)
    await until(pilot, lambda: table.row_count > 0, what="the latest activities appear")
    await settle(pilot)


def test_activity_snapshot(demo_store, snap_compare) -> None:
    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await recent_rows_shown(pilot)

    assert snap_compare(SalesSprintApp(demo_store, "alex"), terminal_size=SIZE, run_before=loaded)


def test_activity_snapshot_light_theme(demo_store, snap_compare) -> None:
    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await recent_rows_shown(pilot)

    app = SalesSprintApp(demo_store, "dana", theme_name="salessprint-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)
