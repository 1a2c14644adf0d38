"""Logging with context: the deal picker and outcome keys of the log dialog,
a finished task's activity on its deal, and the deal form's forecast category.

Keys are sent at once (`type_fast`), as a rep types them; the tests wait on
the store and the screen, never on a clock.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Select

from salessprint.domain.enums import TaskStatus
from salessprint.services.activities import list_activities
from salessprint.services.activity_view import my_goals
from salessprint.services.deals import add_deal, get_deal, list_deals
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task, get_task
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.deal_form import DealForm
from salessprint.tui.modals.deal_picker import DealPickerModal
from salessprint.tui.modals.log_activity import LogActivityModal
from salessprint.tui.screens.activity import ActivityScreen
from salessprint.tui.screens.board import BoardScreen
from salessprint.tui.screens.deal_room import DealRoomScreen
from tests.team_helpers import make_team
from tests.tui.harness import (
    HOSTILE,
    async_test,
    make_app,
    run_on,
    screen_text,
    settle,
    toast_shown,
    type_fast,
    until,
)

SIZE = (140, 40)
BURST = 120.0
"""Seconds a loaded machine may take to work through a burst of keys (the wait ends as soon as it has)."""


def on_deal(store: Any, deal_id: int) -> list[tuple[str, str | None]]:
    """(kind, outcome) of the activities logged on this deal, oldest first."""
    return [(a.kind, a.outcome) for a in reversed(list_activities(store, "alex", limit=50)) if a.deal_id == deal_id]


def calls_of(store: Any, login: str) -> int:
    """My calls today (the demo has more activities than one page of the list)."""
    return next(g.done for g in my_goals(store, login).today_goals if g.kind == "call")


def test_l_slash_deal_enter_outcome_c_typed_at_once_logs_that_call_on_that_deal(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Zebra Logistics renewal", account="Zebra Logistics", value="8000")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, ActivityScreen)
        type_fast(app, "l", "slash", *"zebra log", "enter", "1", "c")
        await until(pilot, lambda: on_deal(demo_store, deal.id) == [("call", "Connected")], what="the call stored")
        await toast_shown(pilot, "Call logged on Zebra Logistics renewal: Connected")
        await settle(pilot)
        assert app.screen is screen
        table = screen.query_one("#recent", DataTable)
        assert [c.plain for c in table.get_row_at(0)][1:] == ["Call", "Zebra Logistics renewal", "Connected"]
        assert "Zebra Logistics renewal" in screen_text(app)

    run_on(demo_store, "alex", "5", SIZE, scenario)
    assert on_deal(demo_store, deal.id) == [("call", "Connected")]  # and nothing more


def test_l_c_l_c_l_c_and_a_call_with_context_between_all_land(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Zebra Logistics renewal", account="Zebra Logistics", value="8000")
    before = calls_of(demo_store, "alex")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        type_fast(app, "l", "c", "l", "c", "l", "slash", *"Zebra", "enter", "2", "c", "l", "c")
        await until(pilot, lambda: calls_of(demo_store, "alex") == before + 4, BURST, what="four calls stored")
        await settle(pilot)
        assert calls_of(demo_store, "alex") == before + 4  # and no fifth
        assert app.screen_stack == [screen]
        table = screen.query_one("#recent", DataTable)
        rows = [[c.plain for c in table.get_row_at(i)][1:] for i in range(4)]
        assert rows == [
            ["Call", "", ""],
            ["Call", "Zebra Logistics renewal", "No answer"],
            ["Call", "", ""],
            ["Call", "", ""],
        ]

    run_on(demo_store, "alex", "5", SIZE, scenario)
    assert on_deal(demo_store, deal.id) == [("call", "No answer")]


def test_the_picker_lists_my_deals_first_searches_the_team_s_and_escape_goes_back_without_one(
    demo_store: Any,
) -> None:
    mine = add_deal(demo_store, "alex", title="Quokka cloud move", account="Quokka", value="100")
    theirs = add_deal(demo_store, "maria", title="Quokka data room", account="Quokka", value="100")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        type_fast(app, "l", "slash", *"QUOKKA")
        await until(pilot, lambda: isinstance(app.screen, DealPickerModal), what="the picker opens")
        picker = app.screen
        assert isinstance(picker, DealPickerModal)
        await until(pilot, lambda: picker.matched_for == "QUOKKA", what="the search answers")
        assert [d.id for d in picker.matches] == [mine.id, theirs.id]
        text = screen_text(app)
        assert "Quokka cloud move · Quokka · mine" in text and "Quokka data room · Quokka · Maria" in text
        type_fast(app, "down", "enter")  # the team's deal
        await until(pilot, lambda: isinstance(app.screen, LogActivityModal), what="back in the log dialog")
        modal = app.screen
        assert isinstance(modal, LogActivityModal) and modal.deal is not None and modal.deal.id == theirs.id
        assert "Deal: Quokka data room" in screen_text(app)
        # A search with no match says so; Escape there keeps the deal already picked.
        type_fast(app, "slash", *"no such deal at all")
        await until(pilot, lambda: "No open deal matches 'no such deal at all'." in screen_text(app))
        type_fast(app, "enter", "escape", "m")  # Enter on nothing stays; Escape goes back
        await until(pilot, lambda: isinstance(app.screen, ActivityScreen), what="the meeting logged")
        await settle(pilot)

    run_on(demo_store, "alex", "5", SIZE, scenario)
    assert on_deal(demo_store, theirs.id) == [("meeting", None)]
    assert on_deal(demo_store, mine.id) == []


def test_the_picker_window_is_bounded_and_says_how_to_narrow_it(demo_store: Any) -> None:
    from salessprint.services.activity_view import PICK_LIMIT

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        type_fast(app, "l", "slash")
        await until(pilot, lambda: isinstance(app.screen, DealPickerModal), what="the picker opens")
        picker = app.screen
        assert isinstance(picker, DealPickerModal)
        await until(pilot, lambda: picker.matched_for == "", what="the first answer")
        assert len(picker.matches) == PICK_LIMIT  # the demo has more open deals than that
        assert f"The first {PICK_LIMIT} matches, mine first: type more to narrow them." in screen_text(app)
        mine = [d.mine for d in picker.matches]
        assert mine[0] and mine == sorted(mine, reverse=True)  # mine first

    assert len(list_deals(demo_store, "alex", open_only=True)) > PICK_LIMIT
    run_on(demo_store, "alex", "5", SIZE, scenario)


def test_in_the_deal_room_an_outcome_key_then_c_logs_on_that_deal(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title=HOSTILE[2], account="Initech", value="900")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        app.push_screen(DealRoomScreen(deal.id))
        await until(pilot, lambda: HOSTILE[2] in screen_text(app), what="the room shows the deal")
        await settle(pilot)
        type_fast(app, "l", "3", "c")
        await until(pilot, lambda: "logged a call: Left voicemail" in screen_text(app), what="the room's timeline")
        assert isinstance(app.screen, DealRoomScreen)

    run_on(demo_store, "alex", "5", SIZE, scenario)
    assert on_deal(demo_store, deal.id) == [("call", "Left voicemail")]


@async_test
async def test_finishing_a_linked_call_task_on_the_board_logs_a_call_on_its_deal_and_ctrl_z_undoes_both(
    sqlite_url: str, frozen: Any
) -> None:
    store = make_team(sqlite_url)
    deal = add_deal(store, "rita", title="Acme rollout", account="Acme", value="5000")
    task = add_task(store, "rita", title="Call Acme's CFO", kind="call", deal_id=deal.id, points="1")
    plan_sprint(store, "max")
    add_item(store, "max", "task", task.id)
    start_sprint(store, "max")
    app = make_app(store, "rita")
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("3")  # a rep opens on Today
            await settle(pilot)
            assert isinstance(app.screen, BoardScreen)
            # One move at a time: the board's second move, typed before the first has
            # answered, is refused as stale (the board's own business, not this test's).
            for key, status in (("shift+right", TaskStatus.DOING), ("greater_than_sign", TaskStatus.DONE)):
                await pilot.press(key)
                await until(pilot, lambda: get_task(store, "rita", task.id).status == status)  # noqa: B023
                await settle(pilot)
            await settle(pilot)
            assert [(a.kind, a.deal_id, a.outcome) for a in list_activities(store, "rita")] == [
                ("call", deal.id, "Task done: Call Acme's CFO")
            ]
            type_fast(app, "ctrl+z")
            await until(pilot, lambda: get_task(store, "rita", task.id).status == TaskStatus.DOING, what="undone")
            await settle(pilot)
            assert list_activities(store, "rita") == []
            assert "Call Acme's CFO" in screen_text(app)
    finally:
        store.dispose()


@async_test
async def test_the_deal_form_sets_commit_and_back_to_the_stage_s(sqlite_url: str, frozen: Any) -> None:
    store = make_team(sqlite_url)
    deal = add_deal(store, "rita", title="Acme rollout", account="Acme", value="5000")
    assert (deal.forecast_category, deal.forecast_category_set) == ("pipeline", False)
    app = make_app(store, "rita")
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            # The choices' order: default, pipeline, best case, commit, omitted.
            for moves, category, is_set in ((["down"] * 3, "commit", True), (["up"] * 3, "pipeline", False)):
                app.push_screen(DealForm(get_deal(store, "rita", deal.id)))
                await settle(pilot)
                form = app.screen
                assert isinstance(form, DealForm)
                select = form.query_one("#f-forecast_category", Select)
                select.focus()
                type_fast(app, "enter", *moves, "enter", "ctrl+s")  # open the list, choose, save
                await until(pilot, lambda: not isinstance(app.screen, DealForm), what="the form saves")
                await settle(pilot)
                saved = get_deal(store, "rita", deal.id)
                assert (saved.forecast_category, saved.forecast_category_set) == (category, is_set)
            # Shown as the stage gives it, and the stage's category named on the default.
            app.push_screen(DealForm(get_deal(store, "rita", deal.id)))
            await settle(pilot)
            text = screen_text(app)
            assert "Forecast" in text and "Default (from the stage: pipeline)" in text
    finally:
        store.dispose()


def test_log_dialog_with_a_deal_and_an_outcome_snapshot(demo_store: Any, snap_compare: Any) -> None:
    add_deal(demo_store, "alex", title="Zebra Logistics renewal", account="Zebra Logistics", value="8000")

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        type_fast(pilot.app, "l", "slash", *"Zebra", "enter", "4")
        await until(pilot, lambda: "Meeting booked" in screen_text(pilot.app), what="the outcome chosen")
        await settle(pilot)

    assert snap_compare(SalesSprintApp(demo_store, "alex"), terminal_size=SIZE, run_before=ready)


def test_deal_picker_snapshot(demo_store: Any, snap_compare: Any) -> None:
    add_deal(demo_store, "maria", title="Kranich data room", account="Kranich", value="100")

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        type_fast(pilot.app, "l", "slash", *"kranich")
        await until(pilot, lambda: getattr(pilot.app.screen, "matched_for", None) == "kranich", what="the matches")
        await settle(pilot)

    assert snap_compare(SalesSprintApp(demo_store, "alex"), terminal_size=SIZE, run_before=ready)


def test_the_forecast_field_is_offered_on_open_deals_only_and_sent_only_when_changed(
    sqlite_url: str, frozen: Any
) -> None:
    from salessprint.services.deals import move_deal, update_deal

    store = make_team(sqlite_url)
    try:
        deal = add_deal(store, "rita", title="Acme rollout", account="Acme", value="5000")
        form = DealForm(get_deal(store, "rita", deal.id))
        assert [s.name for s in form.specs][-1] == "forecast_category"
        values: dict[str, str | None] = {s.name: s.value for s in form.specs}
        assert values["forecast_category"] == "default"
        _fn, _args, kwargs = form.save_call(values)
        assert "forecast_category" not in kwargs  # unchanged: a collaborator may still save the rest
        _fn, _args, kwargs = form.save_call({**values, "forecast_category": "best_case"})
        assert kwargs["forecast_category"] == "best_case"
        update_deal(store, "rita", deal.id, forecast_category="commit")
        assert {s.name: s.value for s in DealForm(get_deal(store, "rita", deal.id)).specs}["forecast_category"] == (
            "commit"
        )
        move_deal(store, "rita", deal.id, "Won")
        assert "forecast_category" not in [s.name for s in DealForm(get_deal(store, "rita", deal.id)).specs]
    finally:
        store.dispose()
