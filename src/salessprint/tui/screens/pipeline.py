"""The pipeline: deals by stage with value, weighted value and rotting deals.

The top table lists the stages with their SQL aggregates; the bottom table
lists the deals of the highlighted stage, oldest stage change first, with
the days since the last stage change (rotting ones marked). Deals move with
`m` (choose a stage), `>`/`<` (next/previous stage), `w` (won), `x` (lost,
with a reason).

Only windows of deals are held: the pipeline comes with the first window of
each stage (the stage totals are SQL aggregates), and moving down a stage's
list fetches its next window (keyset on the stage order). A reload fetches
the highlighted stage as deep as the user had scrolled, so the selection stays.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

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

WINDOW = STAGE_WINDOW
"""Deals of a stage fetched at a time: the first window of every stage comes
with the pipeline, the next one when the cursor nears the end of the column."""
PREFETCH_ROWS = 10
"""How close to the last deal held the cursor comes before the next window is fetched."""


def money(currency: str, amount: Decimal) -> str:
    return f"{currency} {amount:,.0f}"


class PipelineScreen(BaseScreen):
    """Deals by stage; move them, win them, lose them with a reason."""

    TITLE_TEXT = "Pipeline"
    DEFAULT_CSS = """
    PipelineScreen #pipeline-totals {
        height: auto;
        padding: 0 1;
        background: $boost;
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
        self.mine = False
        self.stage_index = 0
        self.shown: list[PipelineDeal] = []
        self.loaded: dict[str, list[PipelineDeal]] = {}
        """The deals held per stage: a first window, plus what scrolling fetched."""
        self._generation = 0
        """Bumped by every reload: a window fetched for an older pipeline is dropped."""
        self._fetching: str | None = None
        """The stage whose next window is being fetched (one fetch at a time)."""
        self._keep_deal: int | None = None
        """The deal to put the cursor on when the reloaded pipeline arrives."""
        self.narrow = False
        """Below 110 columns the deals table leaves out the account."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static("Loading the pipeline…", id="pipeline-totals")
        yield DataTable(id="stages", cursor_type="row", zebra_stripes=True)
        yield Static("", id="deals-title")
        yield DataTable(id="deals", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        stages = self.query_one("#stages", DataTable)
        stages.add_column("Stage", key="stage")
        stages.add_column("Prob.", key="prob")
        stages.add_column("Deals", key="count")
        stages.add_column("Value", key="value")
        stages.add_column("Weighted", key="weighted")
        stages.add_column("Rotting", key="rotting")
        self._build_deal_columns()
        stages.focus()
        # Table cells carry theme colours resolved at render time: redo them on a theme change.
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self, _theme: str) -> None:
        if self.view is not None:
            self.render_pipeline()

    def _build_deal_columns(self) -> None:
        """Narrow terminals drop the account column so days and flags stay visible."""
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

    # -- loading ---------------------------------------------------------
    def reload(self) -> None:
        """The pipeline again, the highlighted stage as deep as it was scrolled."""
        self._generation += 1
        self._fetching = None
        stage = self.current_stage()
        if self._keep_deal is None and self.shown:
            self._keep_deal = self.shown[min(self.query_one("#deals", DataTable).cursor_row, len(self.shown) - 1)].id
        generation = self._generation

        def answer(view: PipelineView) -> None:
            if generation == self._generation:
                self.show_pipeline(view)

        call_service(
            self.app,
            pipeline,
            mine=self.mine,
            per_stage=WINDOW,
            deep_stage=stage.name if stage else None,
            deep=len(self.shown),
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
        """Totals, stages and the highlighted stage's deals, from what is held."""
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
        self.query_one("#pipeline-totals", Static).update(totals)
        table = self.query_one("#stages", DataTable)
        table.clear()
        for stage in view.stages:
            table.add_row(*self._stage_cells(stage, cur), key=stage.name)
        if view.stages:
            self.stage_index = min(self.stage_index, len(view.stages) - 1)
            table.move_cursor(row=self.stage_index)
        self.show_stage_deals()

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
        if self.view is None or not self.view.stages:
            return None
        return self.view.stages[min(self.stage_index, len(self.view.stages) - 1)]

    def show_stage_deals(self) -> None:
        stage = self.current_stage()
        table = self.query_one("#deals", DataTable)
        old_row = table.cursor_row
        table.clear()
        if stage is None or self.view is None:
            self.shown = []
            return
        self.shown = list(self.loaded.get(stage.name, []))
        title = Text(f"{stage.name}: {stage.count} deal{'s' if stage.count != 1 else ''}")
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

    def fetch_more(self) -> None:
        """The next window of the highlighted stage, appended below its deals."""
        stage = self.current_stage()
        if stage is None or not self.shown or self._fetching is not None or not self.more_in_stage(stage):
            return
        self._fetching = stage.name
        generation = self._generation

        def got(window: StageWindow) -> None:
            self._fetching = None
            if generation != self._generation or self.view is None:
                return
            held = self.loaded.setdefault(window.stage, [])
            known = {d.id for d in held}
            fresh = [d for d in window.deals if d.id not in known]
            held.extend(fresh)
            current = self.current_stage()
            if current is not None and current.name == window.stage:
                table = self.query_one("#deals", DataTable)
                for deal in fresh:
                    table.add_row(*self._deal_cells(deal, self.view.currency), key=str(deal.id))
                self.shown.extend(fresh)

        # Not an exclusive group: a reload drops this answer by its generation, and
        # a window is never cancelled half-way (a second one for the stage is de-duplicated).
        call_service(
            self.app,
            stage_deals,
            stage.name,
            mine=self.mine,
            after=self.shown[-1].key,
            limit=WINDOW,
            done=got,
            failed=lambda _exc: setattr(self, "_fetching", None),
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
        elif event.data_table.id == "deals" and event.cursor_row >= len(self.shown) - max(
            1, min(PREFETCH_ROWS, WINDOW // 5)
        ):
            self.fetch_more()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "stages":
            self.query_one("#deals", DataTable).focus()
        elif (deal := self.selected_deal()) is not None:
            from salessprint.tui.screens.deal_room import DealRoomScreen

            self.app.push_screen(DealRoomScreen(deal.id))

    # -- actions ---------------------------------------------------------
    def selected_deal(self) -> PipelineDeal | None:
        table = self.query_one("#deals", DataTable)
        if not self.shown:
            self.notify("No deal selected: this stage is empty.", severity="warning", markup=False)
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def selected_owner(self) -> Owned | None:
        """Whose the selected deal is (checked before a move: `tui.guards`)."""
        table = self.query_one("#deals", DataTable)
        deal = self.shown[min(table.cursor_row, len(self.shown) - 1)] if self.shown else None
        return None if deal is None else Owned.of("deal", deal.owner, deal.owner_name, deal.id)

    def action_toggle_mine(self) -> None:
        self.mine = not self.mine
        self.reload()

    def action_move(self) -> None:
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return

        def chosen(stage: str | None) -> None:
            if stage is not None:
                self._move_to(deal, stage)

        self.app.push_screen(MoveStageModal(deal.title, deal.stage, self.view.stages), chosen)

    def action_step(self, step: int) -> None:
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return
        open_stages = [s.name for s in self.view.stages if s.kind == StageKind.OPEN]
        if deal.stage not in open_stages:
            self.notify("This deal is closed; use Move (m) to reopen it.", severity="warning", markup=False)
            return
        target = open_stages.index(deal.stage) + step
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
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return
        won = next((s.name for s in self.view.stages if s.kind == StageKind.WON), None)
        if won is not None:
            self._move_to(deal, won)

    def action_lost(self) -> None:
        deal = self.selected_deal()
        if deal is None or self.view is None:
            return
        lost = next((s.name for s in self.view.stages if s.kind == StageKind.LOST), None)
        if lost is not None:
            self._move_to(deal, lost)

    def _move_to(self, deal: PipelineDeal, stage: str) -> None:
        assert self.view is not None
        if stage == deal.stage:
            self.notify(f"Already in {stage}.", severity="warning", markup=False)
            return
        kind = next((s.kind for s in self.view.stages if s.name == stage), StageKind.OPEN)
        if kind == StageKind.LOST:

            def with_reason(reason: str | None) -> None:
                if reason is not None:
                    self._call_move(deal, stage, reason)

            self.app.push_screen(LostReasonModal(deal.title), with_reason)
            return
        self._call_move(deal, stage, None)

    def _call_move(self, deal: PipelineDeal, stage: str, reason: str | None) -> None:
        def moved(view: DealView) -> None:
            message = Text("Moved ")
            message.append(deal.title, style="bold")
            message.append(f" to {view.stage}")
            message.append("".join(f"\n{line}" for line in view.also))  # what else the move changed
            self.notify(str(message), markup=False)
            self.reload()

        def failed(_exc: SalesSprintError) -> None:
            self.reload()  # show the fresh state (e.g. after a stale write)

        call_service(
            self.app,
            move_deal,
            deal.id,
            stage,
            lost_reason=reason,
            expected_version=deal.version,
            done=moved,
            failed=failed,
            group="pipeline-move",
        )
