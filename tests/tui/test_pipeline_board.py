"""The Pipeline's stage board driven by real keys, checked on screen and in the store.

Keys are sent as a terminal sends them when typed faster than the app answers
(`type_fast`), or pressed one by one (`pilot.press`, which waits for the app
between keys but never pauses). The board holds windows of deals: the
service tests at the end count the statements and rows of a large store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from benchmarks.generate import BENCH_LOGIN, Size, build_store
from benchmarks.queries import recording
from salessprint.domain import clock
from salessprint.domain.enums import StageKind
from salessprint.services import open_store
from salessprint.services.deals import add_deal, get_deal
from salessprint.services.pipeline_view import pipeline, stage_deals
from salessprint.store.db import Store
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.deal_room import DealRoomScreen
from salessprint.tui.screens.pipeline import PipelineScreen
from salessprint.tui.widgets.footer import LeanFooter
from salessprint.tui.widgets.stage_board import (
    COLUMN_CHROME_ROWS,
    HEADING_ROWS,
    BoardStyle,
    StageBoard,
    StageColumn,
    card_lines,
)
from tests.conftest import FROZEN_NOW
from tests.tui.harness import HOSTILE, notified, run_on, screen_text, settle, toast_shown, type_fast, until

SIZE = (160, 45)


def on_board(store: Any, login: str, scenario: Any, size: tuple[int, int] = SIZE) -> None:
    async def opened(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        screen = app.screen
        assert isinstance(screen, PipelineScreen) and screen.view_name == "board"
        await until(pilot, lambda: screen.board.focused_index() is not None, what="a board column has the focus")
        await scenario(pilot, app, screen, screen.board)

    run_on(store, login, "4", size, opened)


def column_ids(board: StageBoard, stage: str) -> list[int]:
    column = board.column(stage)
    assert column is not None, stage
    return [d.id for d in column.cards.items]


def card_rows(board: StageBoard) -> range:
    """The board's lines that show cards (below the headings, above the bottom border)."""
    return range(1 + HEADING_ROWS, board.size.height - 1)


def drawn(board: StageBoard, column: StageColumn) -> str:
    """The lines the board draws for a column's cards now, as text."""
    x, width = board._slots(board.size.width)[board.columns.index(column)]
    return "\n".join(board.render_line(y).crop(x, x + width).text for y in card_rows(board))


def test_the_board_is_the_default_with_open_stages_as_columns_and_sql_totals(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        view = screen.view
        assert view is not None
        open_stages = [s for s in view.stages if s.kind == StageKind.OPEN]
        assert [c.stage.name for c in board.columns] == [s.name for s in open_stages]
        text = screen_text(app)
        for stage in open_stages:
            assert f"{stage.name} · {stage.probability}%" in text
            assert f"EUR {stage.weighted:,.0f} weighted" in text
            # every deal of the stage held (the demo's stages fit in a window), oldest stage change first
            assert column_ids(board, stage.name) == [d.id for d in view.deals if d.stage == stage.name]
        # Won and Lost are summed at the right, not columns
        assert "Won" not in [c.stage.name for c in board.columns]
        won = next(s for s in view.stages if s.kind == StageKind.WON)
        assert f"EUR {won.value:,.0f}" in text
        first = board.selected()
        assert first is not None and first.stage == open_stages[0].name
        assert first.title in text
        # (the screenshot drops the lone space between two styled runs: read the card's own lines)
        assert f"{first.value:,.0f} {'⚠' if first.rotting else ''}{first.days_in_stage}d" in text
        details = card_lines(first, BoardStyle("EUR", "red"))[1].plain
        assert details == f"{first.value:,.0f} {'⚠' if first.rotting else ''}{first.days_in_stage}d {first.owner}"

    on_board(demo_store, "maria", scenario)


def test_two_fast_keys_move_a_deal_two_stages_and_it_shows_in_that_column(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        deal = board.selected()
        assert deal is not None and deal.stage == "Lead"
        counts = {s.name: s.count for s in screen.view.stages}  # type: ignore[union-attr]
        type_fast(app, ">", ">")
        await toast_shown(pilot, f"Moved {deal.title} to Meeting")
        await settle(pilot)
        assert get_deal(demo_store, "maria", deal.id).stage == "Meeting"
        assert deal.id in column_ids(board, "Meeting")
        assert deal.id not in column_ids(board, "Lead") + column_ids(board, "Qualified")
        after = {s.name: s.count for s in screen.view.stages}  # type: ignore[union-attr]
        assert after["Lead"] == counts["Lead"] - 1 and after["Meeting"] == counts["Meeting"] + 1
        assert after["Qualified"] == counts["Qualified"]
        # the selection followed the card into its new column
        assert board.selected() is not None and board.selected().id == deal.id  # type: ignore[union-attr]
        meeting = board.column("Meeting")
        assert meeting is not None and deal.title in drawn(board, meeting)
        assert deal.title in screen_text(app)
        assert f"Meeting · 40%\n{after['Meeting']} deals" in meeting.heading.plain
        # each stage was its own change: undo takes the deal back one stage
        await pilot.press("ctrl+z")
        await settle(pilot)
        await until(pilot, lambda: get_deal(demo_store, "maria", deal.id).stage == "Qualified", what="undone once")

    on_board(demo_store, "maria", scenario)


def test_left_right_between_columns_up_down_between_cards_enter_opens_the_room(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        await pilot.press("right", "right")
        assert board.focused_index() == 2
        await pilot.press("left")
        assert board.focused_index() == 1
        await pilot.press("down", "down")
        qualified = board.columns[1].cards.items
        deal = board.selected()
        assert deal is not None and deal.id == qualified[2].id
        await pilot.press("left", "left", "left")  # stops at the first column
        assert board.focused_index() == 0
        await pilot.press("right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen) and app.screen.deal_id == deal.id

    on_board(demo_store, "maria", scenario)


def test_v_toggles_table_and_board_on_the_same_stage_and_is_remembered(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        await pilot.press("right", "right", "down")
        deal = board.selected()
        assert deal is not None and deal.stage == "Meeting"
        await pilot.press("v")
        assert screen.view_name == "table" and not board.is_on_screen
        stages, deals = screen.query_one("#stages", DataTable), screen.query_one("#deals", DataTable)
        assert stages.has_focus and screen.view is not None and screen.view.stages[stages.cursor_row].name == "Meeting"
        assert screen.shown[deals.cursor_row].id == deal.id
        assert "Stage" in screen_text(app) and "Weighted" in screen_text(app)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.screen is screen and screen.view_name == "table"  # remembered for the session
        assert screen.query_one("#stages", DataTable).is_on_screen
        await pilot.press("v")
        await until(pilot, lambda: board.selected() is not None, what="the board has a selection")
        assert board.selected().id == deal.id  # type: ignore[union-attr]
        assert deal.title in screen_text(app)

    on_board(demo_store, "maria", scenario)


def test_the_table_view_is_made_the_first_time_v_shows_it(demo_store) -> None:
    """While the board shows, no table is mounted, styled or filled (they cost the
    board's first open a third of its style work); the first v makes and fills them once."""

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        assert not screen.query(DataTable) and not screen.table_built
        await pilot.press("v")
        stages = screen.query_one("#stages", DataTable)
        assert screen.view is not None and stages.row_count == len(screen.view.stages)
        assert screen.query_one("#deals", DataTable).row_count == len(screen.shown) > 0
        await pilot.press("v", "v")
        assert screen.view_name == "table" and screen.query_one("#stages", DataTable) is stages
        assert len(screen.query(DataTable)) == 2

    on_board(demo_store, "maria", scenario)


def test_mine_shows_only_my_cards_and_titles_show_as_typed(demo_store) -> None:
    for title in HOSTILE:
        add_deal(demo_store, "maria", title=title, account="Acme", value="1000", stage="Lead")

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        await pilot.press("o")
        await settle(pilot)
        held = [d for c in board.columns for d in c.cards.items]
        assert held and {d.owner for d in held} == {"maria"}
        assert screen.view is not None and screen.view.mine
        text = screen_text(app)
        assert "My open pipeline" in text
        for title in HOSTILE:
            assert title in text
        assert {d.title for d in held} >= set(HOSTILE)
        await pilot.press("o")
        await settle(pilot)
        assert {d.owner for c in board.columns for d in c.cards.items} != {"maria"}

    on_board(demo_store, "maria", scenario)


def test_a_refused_move_is_said_plainly_and_the_card_goes_back(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        lead = board.columns[0].cards.items
        index = next(i for i, d in enumerate(lead) if d.owner != "alex")
        deal = lead[index]
        await pilot.press(*["down"] * index, "shift+right")
        # Refused before anything is sent: the deal is not Alex's (tui/guards).
        await until(pilot, lambda: any("may move this deal" in n for n in notified(app)), what="the refusal")
        await settle(pilot)
        assert get_deal(demo_store, "alex", deal.id).stage == "Lead"
        assert deal.id in column_ids(board, "Lead") and deal.id not in column_ids(board, "Qualified")
        own = next(i for i, d in enumerate(lead) if d.owner == "alex")
        steps = ["up"] * (index - own) if own < index else ["down"] * (own - index)
        await pilot.press("left", *steps, "shift+left")  # his own deal, already in the first stage: said, nothing sent
        await until(pilot, lambda: "Already in the first stage." in notified(app), what="the refusal is said")

    on_board(demo_store, "alex", scenario)


def test_the_last_open_stage_closes_through_won_and_lost(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        await pilot.press(*["right"] * (len(board.columns) - 1))
        deal = board.selected()
        assert deal is not None and deal.stage == "Negotiation"
        await pilot.press("greater_than_sign")
        said = "Already in the last open stage; use w (won) or x (lost) to close it."
        await until(pilot, lambda: said in notified(app), what="the refusal is said")
        await pilot.press("x")
        await pilot.pause()
        assert f"Mark lost: {deal.title}" in screen_text(app)
        await pilot.press(*"Went with a competitor", "enter")
        await settle(pilot)
        stored = get_deal(demo_store, "maria", deal.id)
        assert (stored.stage, stored.lost_reason) == ("Lost", "Went with a competitor")
        assert deal.id not in column_ids(board, "Negotiation")

    on_board(demo_store, "maria", scenario)


def test_a_column_holds_a_window_and_moving_down_fetches_the_next(demo_store, monkeypatch) -> None:
    from salessprint.tui.screens import pipeline as pipeline_screen

    monkeypatch.setattr(pipeline_screen, "WINDOW", 3)

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        view = screen.view
        assert view is not None
        for column in board.columns:
            assert len(column.cards.items) == min(3, column.stage.count)
        index, stage = max(enumerate(c.stage for c in board.columns), key=lambda pair: pair[1].count)
        assert stage.count > 6
        everything = [d.id for d in pipeline(demo_store, "maria", per_stage=1000).deals if d.stage == stage.name]
        await pilot.press(*["right"] * index)
        for _ in range(stage.count - 1):
            await pilot.press("down")
            await settle(pilot)
        assert column_ids(board, stage.name) == everything
        assert board.selected().id == everything[-1]  # type: ignore[union-attr]
        await pilot.press("up", "r")
        await settle(pilot)
        assert column_ids(board, stage.name) == everything  # a reload keeps the depth
        assert board.selected().id == everything[-2]  # type: ignore[union-attr]

    on_board(demo_store, "maria", scenario)


@pytest.mark.parametrize("theme", ["salessprint-dark", "projector"])
def test_pipeline_board_snapshot(demo_store, snap_compare, theme: str) -> None:
    async def loaded(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("right", "down")

    app = SalesSprintApp(demo_store, "maria", theme_name=theme)
    assert snap_compare(app, terminal_size=(200, 50) if theme == "projector" else SIZE, run_before=loaded)


# --- the windows on a large store ------------------------------------------------

MANY = Size(
    "board-many", reps=6, deals=6_000, activities=0, sprints=2, accounts=60, items_per_rep=1, notes=0, changes=0
)


@pytest.fixture(scope="module")
def many_deals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path_factory.mktemp('board') / 'many.db'}"
    with clock.freeze(FROZEN_NOW):
        build_store(url, MANY)
    store = open_store(url)
    yield store
    store.dispose()


def test_the_board_reads_a_window_per_column_in_a_bounded_number_of_statements(many_deals: Store) -> None:
    with clock.freeze(FROZEN_NOW), recording(many_deals.engine) as seen:
        view = pipeline(many_deals, BENCH_LOGIN, per_stage=20)
    open_stages = [s for s in view.stages if s.kind == StageKind.OPEN]
    assert all(s.count > 20 for s in view.stages)  # far more deals than a window in every stage
    for stage in view.stages:
        held = [d for d in view.deals if d.stage == stage.name]
        assert len(held) == min(20, stage.count)
    assert len(view.deals) <= 20 * len(view.stages)
    assert sum(s.count for s in open_stages) > len([d for d in view.deals if d.stage_kind == StageKind.OPEN])
    # who I am, the stages' SQL sums, one ranked read of every stage's first window
    assert len(seen) <= 3, [s.sql for s in seen]
    assert "ROW_NUMBER()" in seen[-1].sql.upper() and "rn <=" in seen[-1].sql
    # the next window of a column: one keyset read of at most a window (and one more to say if more follow)
    biggest = max(open_stages, key=lambda s: s.count)
    last = [d for d in view.deals if d.stage == biggest.name][-1]
    with clock.freeze(FROZEN_NOW), recording(many_deals.engine) as seen:
        window = stage_deals(many_deals, BENCH_LOGIN, biggest.name, after=last.key, limit=20)
    assert len(window.deals) == 20 and window.more_after
    assert window.deals[0].key > last.key
    assert len(seen) <= 3, [s.sql for s in seen]
    assert "LIMIT" in seen[-1].sql.upper() and 21 in tuple(seen[-1].params)  # a window and one more


def test_a_column_of_a_large_store_holds_only_its_window(many_deals: Store, monkeypatch, tmp_path: Path) -> None:
    from salessprint.tui.screens import pipeline as pipeline_screen

    monkeypatch.setattr(pipeline_screen, "WINDOW", 10)

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        for column in board.columns:
            assert column.stage.count > 10
            assert len(column.cards.items) == 10
        await pilot.press("end")  # the cursor at the window's end fetches one more window, no more
        await settle(pilot)
        assert len(board.columns[0].cards.items) == 20
        assert all(len(c.cards.items) == 10 for c in board.columns[1:])

    with clock.freeze(FROZEN_NOW):
        on_board(many_deals, BENCH_LOGIN, scenario)


def test_opening_the_board_builds_its_footer_once_and_draws_the_scrollbars_it_needs(demo_store, monkeypatch) -> None:
    """The footer's keys are mounted once per open (not once per focus change) and not
    restyled as they mount; a column whose cards do not fit draws its scrollbar, the
    others none (the board draws them itself: no scrollbar widget comes or goes)."""
    restyled: list[FooterKey] = []
    restyle = FooterKey.update_node_styles

    def counted_restyle(self: FooterKey, animate: bool = True) -> None:
        restyled.append(self)
        restyle(self, animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", counted_restyle)

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        footer = screen.query_one(LeanFooter)
        assert footer.rebuilds == 1
        assert restyled == []  # Textual's keys start compact, then take the footer's: two restyles each
        assert "Open deal" in " ".join(str(key.render()) for key in footer.query("FooterKey"))
        overflowing = 0
        rows = board.size.height - COLUMN_CHROME_ROWS
        back = board._paint_context().bar_back
        for column, (x, width) in zip(board.columns, board._slots(board.size.width), strict=True):
            needs_bar = column.cards.lines > rows
            bar = [board.render_line(y).crop(x + width - 2, x + width - 1) for y in card_rows(board)]
            styles = [segment.style for strip in bar for segment in strip if segment.style is not None]
            has_bar = all(style.bgcolor == back or style.reverse for style in styles)
            assert has_bar == needs_bar, column.stage.name
            overflowing += needs_bar
        assert overflowing, "the demo's longest column scrolls at this size"
        await pilot.press("right")  # a focus change with the same keys shown: no rebuild
        await settle(pilot)
        assert board.focused_index() == 1 and footer.rebuilds == 1

    on_board(demo_store, "maria", scenario)


def test_opening_the_board_draws_each_line_once(demo_store, monkeypatch) -> None:
    """Once the data has come, the board draws each of its lines once, and nothing
    draws them again as the board settles (a focus, a resize, a highlight, each
    used to repaint a column or the whole board)."""
    from collections import Counter

    lines: Counter[int] = Counter()
    render_line = StageBoard.render_line

    def counted(self: StageBoard, y: int) -> Any:
        if self.columns:
            lines[y] += 1
        return render_line(self, y)

    monkeypatch.setattr(StageBoard, "render_line", counted)

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        await settle(pilot)
        assert set(lines) == set(range(board.size.height))
        assert set(lines.values()) == {1}, sorted(y for y, n in lines.items() if n > 1)
        assert board.repaints == 1
        await pilot.press("down")  # a cursor step: the lines of the two cards it touches
        await settle(pilot)
        assert sum(lines.values()) == board.size.height + 4

    on_board(demo_store, "maria", scenario)


def test_a_footer_rebuild_waits_for_the_last_of_a_burst_of_binding_changes(demo_store) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        footer = screen.query_one(LeanFooter)
        before = footer.rebuilds

        def burst() -> None:  # three changes before the next refresh, the keys unlike those shown
            footer._shown = None
            for _ in range(3):
                footer.bindings_changed(screen)

        footer.call_next(burst)  # in the footer's own turn, as the screen's signal calls it
        await settle(pilot)
        assert footer.rebuilds == before + 1

    on_board(demo_store, "maria", scenario)


def test_a_click_selects_a_card_and_the_wheel_scrolls_the_column_under_it(demo_store) -> None:
    """The board draws its columns itself: a click finds the column and card under
    it, the wheel scrolls that column only, and the cursor keys keep working after."""

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp, screen: PipelineScreen, board: StageBoard) -> None:
        x, _width = board._slots(board.size.width)[2]
        await pilot.click(StageBoard, offset=(x + 3, 1 + HEADING_ROWS + 3))  # the third column's second card
        assert board.focused_index() == 2
        assert board.selected() is not None and board.selected().id == board.columns[2].cards.items[1].id  # type: ignore[union-attr]
        scrolling = next(
            i for i, c in enumerate(board.columns) if c.cards.lines > board.size.height - COLUMN_CHROME_ROWS
        )
        sx, _ = board._slots(board.size.width)[scrolling]
        board.post_message(events.MouseScrollDown(board, sx + 2, 10, 0, 0, 0, False, False, False))
        await until(pilot, lambda: board.columns[scrolling].cards.top == 3, what="the column scrolled one card")
        assert all(c.cards.top == 0 for i, c in enumerate(board.columns) if i != scrolling)
        await pilot.press("down")
        assert board.selected() is not None and board.selected().id == board.columns[2].cards.items[2].id  # type: ignore[union-attr]

    on_board(demo_store, "maria", scenario)
