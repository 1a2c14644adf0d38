"""The pipeline: deals by stage with value, weighted value and rotting deals.

Two views of the same figures, `v` switching between them (the choice holds
for the session):

- the **board** (the default): a column per open stage, deals as cards
  (title, value, days in stage, owner, a rotting mark), each column headed by
  its count, value and weighted value; Won and Lost summed at the right.
  Left/right go between columns, up/down between cards, Enter opens the
  deal room;
- the **table**: the stages with their SQL aggregates on top, the deals of
  the highlighted stage below, oldest stage change first. Its widgets are
  made and filled the first time `v` asks for it: while the board shows,
  nothing mounts, styles or sizes them.

Deals move with `m` (choose a stage), `>`/`<` or shift+→/← (next/previous
open stage), `w` (won), `x` (lost, with a reason). A moved card goes to its
new column at once; the writes of one deal are sent one after the other
(each with the version the one before returned), so two quick `>` move it
two stages, each an undoable change.

Only windows of deals are held: the pipeline comes with the first window of
each stage (the stage totals are SQL aggregates), and moving down a stage's
list fetches its next window (keyset on the stage order). A reload fetches
the selected stage as deep as the user had scrolled, so the selection stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import ContentSwitcher, DataTable, Static

from salessprint.domain.enums import StageKind
from salessprint.domain.errors import SalesSprintError
from salessprint.domain.text import counted
from salessprint.domain.values import DealView
from salessprint.services.deals import move_deal
from salessprint.services.pipeline_view import (
    STAGE_WINDOW,
    PipelineDeal,
    PipelineView,
    StageSummary,
    StageWindow,
    pipeline,
    stage_deals,
)
from salessprint.tui.guards import Owned
from salessprint.tui.modals.lost_reason import LostReasonModal
from salessprint.tui.modals.move_stage import MoveStageModal
from salessprint.tui.screens.base import BaseScreen, theme_colour
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.stage_board import BoardStyle, StageBoard, card_lines, money

WINDOW = STAGE_WINDOW
"""Deals of a stage fetched at a time: the first window of every stage comes
with the pipeline, the next one when the cursor nears the end of the column."""
PREFETCH_ROWS = 10
"""How close to the last deal held the cursor comes before the next window is fetched."""
BOARD, TABLE = "board", "table"
CENT = Decimal("0.01")


@dataclass
class PendingMove:
    """A deal's moves on their way to the store: sent one at a time, the last one wins."""

    deal_id: int
    title: str
    version: int
    """The version the next write expects (what the last write returned)."""
    target: str
    """The stage the user last asked for."""
    reason: str | None = None


class PipelineScreen(BaseScreen):
    """Deals by stage, as a board or a table; move them, win them, lose them with a reason."""

    TITLE_TEXT = "Pipeline"
    AUTO_FOCUS = "StageBoard"
    """The board has the focus from the start: its keys (and the footer's) are those
    of the open board before the data comes, so the data's arrival changes no focus,
    no key shown, only the board's lines. (The table view's widgets come with `v`.)"""
    DEFAULT_CSS = """
    PipelineScreen #pipeline-totals {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    PipelineScreen #pipeline-views, PipelineScreen #table {
        height: 1fr;
    }
    PipelineScreen #stages {
        height: auto;
        max-height: 11;
        border: round $panel;
    }
    PipelineScreen #deals {
        height: 1fr;
        border: round $panel;
    }
    PipelineScreen DataTable:focus {
        border: round $primary;
    }
    PipelineScreen #deals-title {
        padding: 0 1;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_view", "Board/table", id="pipeline.view", tooltip="Show the stage board or the table"),
        Binding("enter", "open_deal", "Open deal", id="pipeline.open", tooltip="Open the selected deal's room"),
        Binding("m", "move", "Move", id="pipeline.move", tooltip="Move the selected deal to a stage you choose"),
        Binding(
            "greater_than_sign,shift+right",
            "step(1)",
            "Next stage",
            id="pipeline.next_stage",
            tooltip="Move the selected deal to the next open stage",
        ),
        Binding(
            "less_than_sign,shift+left",
            "step(-1)",
            "Prev stage",
            id="pipeline.prev_stage",
            tooltip="Move the selected deal back to the previous open stage",
        ),
        Binding("w", "won", "Mark won", id="pipeline.won", tooltip="Mark the selected deal won"),
        Binding("x", "lost", "Mark lost", id="pipeline.lost", tooltip="Mark the selected deal lost, with a reason"),
        Binding("o", "toggle_mine", "Mine/team", id="pipeline.mine", tooltip="Show only my deals, or the whole team's"),
        Binding("r", "reload", "Refresh", id="pipeline.refresh", tooltip="Load the pipeline again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: PipelineView | None = None
        self.view_name = BOARD
        """The board or the table: what `v` last chose, for the rest of the session."""
        self.mine = False
        self.stage_index = 0
        self.shown: list[PipelineDeal] = []
        self.shown_stage: str | None = None
        """The stage whose deals the table lists (`shown`)."""
        self.loaded: dict[str, list[PipelineDeal]] = {}
        """The deals held per stage: a first window, plus what scrolling fetched."""
        self._generation = 0
        """Bumped by every reload: a window fetched for an older pipeline is dropped."""
        self._fetching: set[str] = set()
        """The stages whose next window is being fetched (one fetch per stage at a time)."""
        self._keep_deal: int | None = None
        """The deal to select when the reloaded pipeline arrives."""
        self._moves: dict[int, PendingMove] = {}
        """Deals with a move on its way to the store, by id."""
        self._follow: int | None = None
        """The deal just moved: the board selects it (and focuses its column) until the moves are written."""
        self.narrow = False
        """Below 110 columns the deals table leaves out the account."""
        self.table_built = False
        """The table view's widgets are mounted (the first `v` makes them)."""
        self._totals_lines = 1
        """Lines the totals took when last shown (a change of height needs a layout)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static("Loading the pipeline…", id="pipeline-totals")
        with ContentSwitcher(initial=self.view_name, id="pipeline-views"):
            yield StageBoard(self._card_lines, id=BOARD)
            yield Vertical(id=TABLE)  # its tables come with the first `v` (`_build_table`)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        # Cells and cards carry theme colours resolved at render time: redo them on a theme change.
        self.watch(self.app, "theme", self._theme_changed, init=False)

    async def _build_table(self) -> None:
        """The table view's widgets, mounted the first time it is shown."""
        if self.table_built:
            return
        self.table_built = True
        stages: DataTable[Text] = DataTable(id="stages", cursor_type="row", zebra_stripes=True)
        stages.add_column("Stage", key="stage")
        stages.add_column("Prob.", key="prob")
        stages.add_column("Deals", key="count")
        stages.add_column("Value", key="value")
        stages.add_column("Weighted", key="weighted")
        stages.add_column("Rotting", key="rotting")
        deals: DataTable[Text] = DataTable(id="deals", cursor_type="row", zebra_stripes=True)
        await self.query_one(f"#{TABLE}", Vertical).mount_all([stages, Static("", id="deals-title"), deals])
        self._build_deal_columns()

    @property
    def board(self) -> StageBoard:
        return self.query_one(StageBoard)

    def _theme_changed(self, _theme: str) -> None:
        if self.view is not None:
            self.render_pipeline()
            self.board.restyle()

    def _card_lines(self, deal: PipelineDeal) -> tuple[Text, Text]:
        currency = self.view.currency if self.view is not None else ""
        return card_lines(deal, BoardStyle(currency, self.colour("rotting")))

    def _build_deal_columns(self) -> None:
        """Narrow terminals drop the account column so days and flags stay visible."""
        if not self.table_built:
            return
        deals = self.query_one("#deals", DataTable)
        deals.clear(columns=True)
        deals.add_column("Deal", key="title")
        if not self.narrow:
            deals.add_column("Account", key="account")
        deals.add_column("Owner", key="owner")
        deals.add_column("Value", key="value")
        deals.add_column("Days", key="days")
        deals.add_column("", key="flag")

    def on_resize(self) -> None:
        narrow = self.size.width < 110
        if narrow != self.narrow:
            self.narrow = narrow
            self._build_deal_columns()
            self.show_stage_deals()

    # -- the two views -----------------------------------------------------
    async def action_toggle_view(self) -> None:
        """Board to table or back, on the same stage and deal."""
        stage = self.current_stage()
        selected = self._selection()
        built_now = not self.table_built
        if self.view_name == BOARD:
            await self._build_table()
        self.view_name = TABLE if self.view_name == BOARD else BOARD
        self.query_one(ContentSwitcher).current = self.view_name
        if self.view is None:
            return
        if stage is not None:
            self.stage_index = self.view.stages.index(stage) if stage in self.view.stages else 0
        self._keep_deal = selected
        if self.view_name == TABLE:
            table = self.query_one("#stages", DataTable)
            if built_now:
                self._fill_stages()
            table.move_cursor(row=self.stage_index)
            self.show_stage_deals()
            table.focus()  # as the table opens: the stages, the deal's row highlighted below (tab goes to it)
        else:
            self._keep_deal = None
            self._show_board(selected)

    def _selection(self) -> int | None:
        """The selected deal's id in the view shown, without a warning when there is none."""
        if self.view_name == BOARD:
            deal = self.board.selected()
            return deal.id if deal is not None else None
        if not self.shown or not self.table_built or not self.query_one("#deals", DataTable).has_focus:
            return None
        return self.shown[min(self.query_one("#deals", DataTable).cursor_row, len(self.shown) - 1)].id

    # -- loading ---------------------------------------------------------
    def reload(self) -> None:
        """The pipeline again, the selected stage as deep as it was scrolled."""
        self._generation += 1
        self._fetching.clear()
        stage = self.current_stage()
        if self._keep_deal is None:
            self._keep_deal = self._selection()
        generation = self._generation

        def answer(view: PipelineView) -> None:
            # While a move is on its way the store's answer is already behind the
            # screen: the reload after the last move brings the figures.
            if generation == self._generation and not self._moves:
                self.show_pipeline(view)

        call_service(
            self.app,
            pipeline,
            mine=self.mine,
            per_stage=WINDOW,
            deep_stage=stage.name if stage else None,
            deep=len(self.loaded.get(stage.name, [])) if stage else 0,
            done=answer,
            group="pipeline",
        )

    def action_reload(self) -> None:
        self.reload()

    def show_pipeline(self, view: PipelineView) -> None:
        self.view = view
        self.loaded = {}
        for deal in view.deals:
            self.loaded.setdefault(deal.stage, []).append(deal)
        self.render_pipeline()

    def render_pipeline(self) -> None:
        """Totals, then the board or the stages and the highlighted stage's deals, from what is held."""
        view = self.view
        assert view is not None
        cur = view.currency
        totals = Text()
        totals.append("My open pipeline" if view.mine else "Open pipeline", style="bold")
        totals.append(
            f": {counted(view.total_count, 'deal')} · {money(cur, view.total_value)} · weighted {money(cur, view.total_weighted)}"
        )
        rotting = view.total_rotting
        totals.append(f" · {rotting} rotting", style=f"bold {self.colour('rotting')}" if rotting else "")
        totals.append(f" (no stage change for over {view.rotting_days} days)")
        totals.append(" · Won/Lost: this quarter", style="dim")
        box = self.query_one("#pipeline-totals", Static)
        lines = len(totals.wrap(self.app.console, max(1, box.content_size.width))) if box.size else 1
        # The same height: a repaint of its line, not a layout of the whole screen.
        box.update(totals, layout=lines != self._totals_lines or not box.size)
        self._totals_lines = lines
        if view.stages:
            self.stage_index = min(self.stage_index, len(view.stages) - 1)
        self._fill_stages()
        keep = self._keep_deal
        self.show_stage_deals()
        self._show_board(keep)

    def _fill_stages(self) -> None:
        """The stages table from the view held (once the table view is built)."""
        if self.view is None or not self.table_built:
            return
        table = self.query_one("#stages", DataTable)
        table.clear()
        for stage in self.view.stages:
            table.add_row(*self._stage_cells(stage, self.view.currency), key=stage.name)
        if self.view.stages:
            table.move_cursor(row=self.stage_index)

    def _show_board(self, select: int | None) -> None:
        view = self.view
        if view is None:
            return
        note = f"Closed since {view.closed_since:%d %b %Y}.\nv: the table lists them."
        board = self.board
        if select is None:
            select = self._follow
        if not self._moves:
            self._follow = None
        at = None
        if self.view_name == BOARD and board.focused_index() is None and select is None:
            open_names = [s.name for s in view.stages if s.kind == StageKind.OPEN]
            stage = self.current_stage()
            at = open_names.index(stage.name) if stage is not None and stage.name in open_names else 0
        board.show(
            view.stages, self.loaded, view.currency, note, select=select, focus=self.view_name == BOARD, focus_at=at
        )

    def colour(self, name: str) -> str:
        return theme_colour(self.app, name)

    def _stage_cells(self, stage: StageSummary, currency: str) -> list[Text]:
        style = {StageKind.WON: self.colour("stage-won"), StageKind.LOST: self.colour("stage-lost")}.get(
            StageKind(stage.kind), ""
        )
        rotting = Text(
            f"{stage.rotting}" if stage.kind == StageKind.OPEN else "",
            style=f"bold {self.colour('rotting')}" if stage.rotting else "",
            justify="right",
        )
        return [
            Text(stage.name, style=f"bold {style}".strip()),
            Text(f"{stage.probability}%", justify="right"),
            Text(str(stage.count), justify="right"),
            Text(money(currency, stage.value), justify="right"),
            Text(money(currency, stage.weighted), justify="right"),
            rotting,
        ]

    def current_stage(self) -> StageSummary | None:
        """The stage of the focused board column, or the table's highlighted stage."""
        if self.view is None or not self.view.stages:
            return None
        if self.view_name == BOARD and self.is_mounted:
            index = self.board.focused_index()
            if index is not None:
                name = self.board.columns[index].stage.name
                found = next((i for i, s in enumerate(self.view.stages) if s.name == name), None)
                if found is not None:
                    self.stage_index = found
        return self.view.stages[min(self.stage_index, len(self.view.stages) - 1)]

    def show_stage_deals(self) -> None:
        stage = self.view.stages[min(self.stage_index, len(self.view.stages) - 1)] if self.view else None
        if stage is None or self.view is None:
            self.shown, self.shown_stage = [], None
        else:
            self.shown, self.shown_stage = list(self.loaded.get(stage.name, [])), stage.name
        if not self.table_built:
            return  # the board shows: the deals table is filled when the table view is first shown
        table = self.query_one("#deals", DataTable)
        old_row = table.cursor_row
        table.clear()
        if stage is None or self.view is None:
            return
        title = Text(f"{stage.name}: {counted(stage.count, 'deal')}")
        if stage.kind == StageKind.OPEN:
            title.append("  · days = days since the last stage change; ", style="dim")
            title.append("⚠ rotting", style=self.colour("rotting"))
            title.append(f" after {self.view.rotting_days}", style="dim")
        else:
            title.append(f"  · closed since {self.view.closed_since:%d %b %Y}", style="dim")
        self.query_one("#deals-title", Static).update(title)
        for deal in self.shown:
            table.add_row(*self._deal_cells(deal, self.view.currency), key=str(deal.id))
        keep, self._keep_deal = self._keep_deal, None
        if self.shown:
            row = next((i for i, d in enumerate(self.shown) if d.id == keep), min(old_row, len(self.shown) - 1))
            with self.prevent(DataTable.RowHighlighted):
                table.move_cursor(row=row)

    def more_in_stage(self, stage: StageSummary) -> bool:
        """Whether the stage has deals beyond those held."""
        return len(self.loaded.get(stage.name, [])) < stage.count

    def fetch_more(self, name: str) -> None:
        """The next window of stage `name`, appended below its deals (table and board)."""
        stage = next((s for s in self.view.stages if s.name == name), None) if self.view else None
        held = self.loaded.get(name, [])
        if stage is None or not held or name in self._fetching or not self.more_in_stage(stage):
            return
        self._fetching.add(name)
        generation = self._generation

        def got(window: StageWindow) -> None:
            self._fetching.discard(window.stage)
            if generation != self._generation or self.view is None:
                return
            held = self.loaded.setdefault(window.stage, [])
            known = {d.id for d in held}
            fresh = [d for d in window.deals if d.id not in known]
            held.extend(fresh)
            if self.shown_stage == window.stage:
                if self.table_built:
                    table = self.query_one("#deals", DataTable)
                    for deal in fresh:
                        table.add_row(*self._deal_cells(deal, self.view.currency), key=str(deal.id))
                self.shown.extend(fresh)
            self.board.append(window.stage, fresh)

        # Not an exclusive group: a reload drops this answer by its generation, and
        # a window is never cancelled half-way (a second one for the stage is de-duplicated).
        call_service(
            self.app,
            stage_deals,
            name,
            mine=self.mine,
            after=held[-1].key,
            limit=WINDOW,
            done=got,
            failed=lambda _exc: self._fetching.discard(name),
        )

    def _deal_cells(self, deal: PipelineDeal, currency: str) -> list[Text]:
        rot = f"bold {self.colour('rotting')}"
        if deal.stage_kind == StageKind.OPEN:
            days = Text(str(deal.days_in_stage), justify="right", style=rot if deal.rotting else "")
            flag = Text("⚠ rotting", style=rot) if deal.rotting else Text("")
        else:
            days = Text(f"{deal.closed_on:%d %b}" if deal.closed_on else "", justify="right")
            flag = Text(deal.lost_reason or "", style="italic")
        cells = [
            Text(deal.title),
            Text(deal.account),
            Text(deal.owner if self.narrow else deal.owner_name),
            Text(money(currency, deal.value), justify="right"),
            days,
            flag,
        ]
        if self.narrow:
            del cells[1]
        return cells

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "stages" and event.cursor_row != self.stage_index:
            self.stage_index = event.cursor_row
            self.show_stage_deals()
        elif event.data_table.id == "deals" and self.shown_stage and self._near_end(event.cursor_row, len(self.shown)):
            self.fetch_more(self.shown_stage)

    def on_stage_board_card_highlighted(self, event: StageBoard.CardHighlighted) -> None:
        if event.index is not None and self._near_end(event.index, event.count):
            self.fetch_more(event.stage)

    @staticmethod
    def _near_end(index: int, count: int) -> bool:
        return index >= count - max(1, min(PREFETCH_ROWS, WINDOW // 5))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "stages":
            self.query_one("#deals", DataTable).focus()
        else:
            self.action_open_deal()

    # -- actions ---------------------------------------------------------
    def action_open_deal(self) -> None:
        """Enter on a deal opens its deal room."""
        if (deal := self.selected_deal()) is not None:
            from salessprint.tui.screens.deal_room import DealRoomScreen

            self.app.push_screen(DealRoomScreen(deal.id))

    def selected_deal(self) -> PipelineDeal | None:
        deal: PipelineDeal | None = None
        if self.view_name == BOARD:
            deal = self.board.selected()
        elif self.shown:
            deal = self.shown[min(self.query_one("#deals", DataTable).cursor_row, len(self.shown) - 1)]
        if deal is None:
            self.notify("No deal selected: this stage is empty.", severity="warning", markup=False)
        return deal

    def selected_owner(self) -> Owned | None:
        """Whose the selected deal is (checked before a move: `tui.guards`)."""
        deal = self.selected_deal()
        return None if deal is None else Owned.of("deal", deal.owner, deal.owner_name, deal.id)

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.reload()

    def intended_stage(self, deal: PipelineDeal) -> str:
        """Where the deal is, or is on its way to."""
        move = self._moves.get(deal.id)
        return move.target if move is not None else deal.stage

    def action_move(self) -> None:
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return

        def chosen(stage: str | None) -> None:
            if stage is not None:
                self._move_to(deal, stage)

        self.app.push_screen(MoveStageModal(deal.title, self.intended_stage(deal), self.view.stages), chosen)

    def action_step(self, step: int) -> None:
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return
        open_stages = [s.name for s in self.view.stages if s.kind == StageKind.OPEN]
        now = self.intended_stage(deal)
        if now not in open_stages:
            self.notify("This deal is closed; use Move (m) to reopen it.", severity="warning", markup=False)
            return
        target = open_stages.index(now) + step
        if not 0 <= target < len(open_stages):
            where = "last" if step > 0 else "first"
            self.notify(
                f"Already in the {where} open stage; use w (won) or x (lost) to close it."
                if step > 0
                else f"Already in the {where} stage.",
                severity="warning",
                markup=False,
            )
            return
        self._move_to(deal, open_stages[target])

    def action_won(self) -> None:
        self._close(StageKind.WON)

    def action_lost(self) -> None:
        self._close(StageKind.LOST)

    def _close(self, kind: StageKind) -> None:
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return
        stage = next((s.name for s in self.view.stages if s.kind == kind), None)
        if stage is not None:
            self._move_to(deal, stage)

    def _move_to(self, deal: PipelineDeal, stage: str) -> None:
        assert self.view is not None
        if stage == self.intended_stage(deal):
            self.notify(f"Already in {stage}.", severity="warning", markup=False)
            return
        kind = next((s.kind for s in self.view.stages if s.name == stage), StageKind.OPEN)
        if kind == StageKind.LOST:

            def with_reason(reason: str | None) -> None:
                if reason is not None:
                    self._queue_move(deal, stage, reason)

            self.app.push_screen(LostReasonModal(deal.title), with_reason)
            return
        self._queue_move(deal, stage, None)

    # -- moves on their way to the store -----------------------------------
    def _queue_move(self, deal: PipelineDeal, stage: str, reason: str | None) -> None:
        """Show the deal in `stage` now and write it: at once, or after the deal's write on its way."""
        move = self._moves.get(deal.id)
        if move is None:
            move = self._moves[deal.id] = PendingMove(deal.id, deal.title, deal.version, stage, reason)
            self._send(move)
        else:
            move.target, move.reason = stage, reason
        self._show_moved(deal, stage)

    def _send(self, move: PendingMove) -> None:
        def moved(view: DealView) -> None:
            message = Text("Moved ")
            message.append(move.title, style="bold")
            message.append(f" to {view.stage}")
            message.append("".join(f"\n{line}" for line in view.also))  # what else the move changed
            self.notify(str(message), markup=False)
            move.version = view.version
            self._written(view)
            if move.target != view.stage:
                self._send(move)  # a later key asked for another stage meanwhile
                return
            del self._moves[move.deal_id]
            if not self._moves:
                self._follow = move.deal_id
                self.reload()

        def failed(_exc: SalesSprintError) -> None:
            self._moves.pop(move.deal_id, None)
            self.reload()  # show the fresh state (e.g. after a stale write)

        call_service(
            self.app,
            move_deal,
            move.deal_id,
            move.target,
            lost_reason=move.reason,
            expected_version=move.version,
            done=moved,
            failed=failed,
        )

    def _written(self, view: DealView) -> None:
        """The deal as held takes the version (and stage entry) the store gave it, so a
        key pressed before the reload writes against the fresh row, not a stale one."""
        fresh = {"version": view.version, "stage_entered_at": view.stage_entered_at}
        for name, held in self.loaded.items():
            self.loaded[name] = [d.model_copy(update=fresh) if d.id == view.id else d for d in held]
        self.shown = list(self.loaded.get(self.shown_stage, [])) if self.shown_stage else []
        if self.view is not None:
            self._show_board(None)

    def _show_moved(self, deal: PipelineDeal, stage: str) -> None:
        """The deal in its new stage on screen, before the store has answered (the reload
        after the write brings the store's figures). A column holding only a window of a
        longer stage does not take the card: its place is past the window."""
        view = self.view
        assert view is not None
        stages = {s.name: s for s in view.stages}
        source, target = stages.get(deal.stage), stages[stage]
        weighted = (deal.value * target.probability / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        moved = deal.model_copy(
            update={
                "stage": stage,
                "stage_kind": target.kind,
                "probability": target.probability,
                "weighted": weighted,
                "days_in_stage": 0,
                "rotting": False,
            }
        )
        held_from = self.loaded.get(deal.stage, [])
        self.loaded[deal.stage] = [d for d in held_from if d.id != deal.id]
        held_to = self.loaded.setdefault(stage, [])
        if len(held_to) >= target.count:
            held_to.append(moved)
        updated = {
            stage: target.model_copy(
                update={
                    "count": target.count + 1,
                    "value": target.value + deal.value,
                    "weighted": target.weighted + weighted,
                }
            )
        }
        if source is not None:
            updated[source.name] = source.model_copy(
                update={
                    "count": source.count - 1,
                    "value": source.value - deal.value,
                    "weighted": source.weighted - deal.weighted,
                    "rotting": source.rotting - (1 if deal.rotting else 0),
                }
            )
        self.view = view.model_copy(update={"stages": [updated.get(s.name, s) for s in view.stages]})
        self._follow = deal.id
        self.render_pipeline()
