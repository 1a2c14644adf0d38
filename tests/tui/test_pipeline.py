"""The Pipeline screen's table view driven by real keys, checked on screen and in the store.

The board opens first; `v` shows the table (tests of the board are in test_pipeline_board.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from salessprint.services.deals import add_deal, get_deal, update_deal
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.deal_room import DealRoomScreen
from salessprint.tui.screens.pipeline import PipelineScreen
from tests.tui.harness import HOSTILE, run_on, screen_text, settle, toast_shown

SIZE = (140, 40)


def run(store: Any, login: str, scenario: Any) -> None:
    async def on_pipeline(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        assert isinstance(app.screen, PipelineScreen)
        await pilot.press("v")
        await scenario(pilot, app)

    run_on(store, login, "4", SIZE, on_pipeline)


def stage_count(screen: PipelineScreen, name: str) -> int:
    table = screen.query_one("#stages", DataTable)
    return int(str(table.get_cell(name, "count")))


def test_next_stage_key_moves_the_highlighted_deal_in_the_store(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        leads, qualified = stage_count(screen, "Lead"), stage_count(screen, "Qualified")
        await pilot.press("tab", "down")
        deal = screen.shown[1]
        await pilot.press("greater_than_sign")
        await toast_shown(pilot, f"Moved {deal.title} to Qualified")
        await settle(pilot)
        assert get_deal(demo_store, "maria", deal.id).stage == "Qualified"
        assert (stage_count(screen, "Lead"), stage_count(screen, "Qualified")) == (leads - 1, qualified + 1)
        assert deal.id not in [d.id for d in screen.shown]

    run(demo_store, "maria", scenario)


def test_move_dialog_moves_to_the_chosen_stage(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("tab")
        deal = screen.shown[0]
        await pilot.press("m")
        await pilot.pause()
        assert "Move " in screen_text(app)
        await pilot.press("down", "enter")  # Qualified is highlighted first; down picks Meeting
        await settle(pilot)
        assert get_deal(demo_store, "maria", deal.id).stage == "Meeting"
        assert isinstance(app.screen, PipelineScreen)

    run(demo_store, "maria", scenario)


def test_lost_needs_a_reason_and_keeps_it(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("tab")
        deal = screen.shown[0]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("enter")  # no reason: refused beside the field
        await pilot.pause()
        assert "reason: say why the deal was lost" in screen_text(app)
        assert get_deal(demo_store, "maria", deal.id).stage == "Lead"
        await pilot.press(*"Budget frozen", "enter")
        await settle(pilot)
        stored = get_deal(demo_store, "maria", deal.id)
        assert (stored.stage, stored.lost_reason) == ("Lost", "Budget frozen")

    run(demo_store, "maria", scenario)


def test_won_key_closes_the_deal(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        won_before = stage_count(screen, "Won")
        await pilot.press("tab")
        deal = screen.shown[0]
        await pilot.press("w")
        await settle(pilot)
        stored = get_deal(demo_store, "maria", deal.id)
        assert stored.stage == "Won" and stored.closed_on is not None
        assert stage_count(screen, "Won") == won_before + 1

    run(demo_store, "maria", scenario)


def test_a_stale_move_is_reported_not_written(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("tab")
        deal = screen.shown[0]
        # Someone else edits the deal after the screen loaded it.
        update_deal(demo_store, "maria", deal.id, value="123.00")
        await pilot.press("greater_than_sign")
        await toast_shown(pilot, "Someone else changed deal #")
        assert "Changed by someone else" in screen_text(app)
        await settle(pilot)
        stored = get_deal(demo_store, "maria", deal.id)
        assert (stored.stage, stored.value) == ("Lead", Decimal("123.00"))

    run(demo_store, "maria", scenario)


def test_hostile_titles_show_verbatim(demo_store) -> None:
    for title in HOSTILE:
        add_deal(demo_store, "maria", title=title, account="[red]Acme[/red]", value="1000", stage="Lead")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("o")  # only my (maria's) deals
        await settle(pilot)
        assert [d.title for d in screen.shown] == list(HOSTILE)
        table = screen.query_one("#deals", DataTable)
        assert [table.get_row_at(i)[0].plain for i in range(3)] == list(HOSTILE)
        text = screen_text(app)
        for title in HOSTILE:
            assert title in text
        assert "[red]Acme[/red]" in text
        await pilot.press("tab", "m")
        await pilot.pause()
        assert "Move [bold]x[/bold] to…" in screen_text(app)
        await pilot.press("escape", "x")
        await pilot.pause()
        assert "Mark lost: [bold]x[/bold]" in screen_text(app)
        await pilot.press("escape", "greater_than_sign")
        await toast_shown(pilot, "Moved [bold]x[/bold] to Qualified")
        await settle(pilot)

    run(demo_store, "maria", scenario)


def test_pipeline_snapshot(demo_store, snap_compare) -> None:
    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("v", "tab")

    assert snap_compare(SalesSprintApp(demo_store, "alex"), terminal_size=SIZE, run_before=loaded)


def test_a_rep_cannot_move_someone_elses_deal(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        await pilot.press("tab")
        index = next(i for i, d in enumerate(screen.shown) if d.owner != "alex")
        deal = screen.shown[index]
        await pilot.press(*["down"] * index, "w")
        await toast_shown(pilot, "may mark this deal won")  # said before anything is sent
        await settle(pilot)
        assert get_deal(demo_store, "alex", deal.id).stage == "Lead"

    run(demo_store, "alex", scenario)


def test_enter_on_a_deal_opens_its_room_where_m_moves_it_and_narrow_screens_keep_days_visible(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen)
        assert screen.narrow
        await pilot.press("v")
        text = screen_text(app)
        assert "Days" in text and "⚠ rotting" in text and "Account" not in text
        await pilot.press("tab")
        deal = screen.shown[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen) and app.screen.deal_id == deal.id
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")  # the next stage is highlighted first
        await settle(pilot)
        assert get_deal(demo_store, "maria", deal.id).stage == "Qualified"

    run_on(demo_store, "maria", "4", (80, 24), scenario)


def test_pipeline_snapshot_light_theme(demo_store, snap_compare) -> None:
    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("v")

    app = SalesSprintApp(demo_store, "maria", theme_name="salessprint-light")  # the table view
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded)


def test_a_stage_holds_a_window_and_moving_down_fetches_the_next(demo_store, monkeypatch) -> None:
    """More deals in a stage than a window: the screen holds the first window of
    each stage, the stage table shows the SQL totals, moving down the deals
    fetches the next windows, and a reload keeps the selected deal and depth."""
    from salessprint.services.pipeline_view import pipeline
    from salessprint.tui.screens import pipeline as pipeline_screen

    monkeypatch.setattr(pipeline_screen, "WINDOW", 3)

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen) and screen.view is not None
        view = screen.view
        for stage in view.stages:
            assert len([d for d in view.deals if d.stage == stage.name]) == min(3, stage.count)
            assert stage_count(screen, stage.name) == stage.count
        index, stage = max(enumerate(view.stages), key=lambda pair: pair[1].count)
        assert stage.count > 6
        everything = [d.id for d in pipeline(demo_store, "maria", per_stage=1000).deals if d.stage == stage.name]
        await pilot.press(*["down"] * index)  # the stages table has the focus
        await settle(pilot)
        assert [d.id for d in screen.shown] == everything[:3]
        await pilot.press("tab")
        for _ in range(stage.count - 1):
            await pilot.press("down")
            await settle(pilot)
        deals = screen.query_one("#deals", DataTable)
        assert [d.id for d in screen.shown] == everything and deals.row_count == stage.count
        assert deals.cursor_row == stage.count - 1
        await pilot.press("up", "up")
        selected = screen.shown[deals.cursor_row].id
        await pilot.press("r")
        await settle(pilot)
        assert [d.id for d in screen.shown] == everything  # as deep as it was
        assert screen.shown[deals.cursor_row].id == selected

    run(demo_store, "maria", scenario)
