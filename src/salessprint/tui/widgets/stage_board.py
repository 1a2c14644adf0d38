"""The pipeline's stage board: one column per open stage, deals as cards.

Each column is a header (the stage's count, value and weighted value, summed
in SQL by the service) over a `CardList`, which draws only the cards on
screen; a column holds the window of deals the screen has fetched for it.
Won and Lost are not columns: a narrow panel at the right gives their counts
and values. Left/right go between columns, up/down between cards; the board
tells its screen which card is highlighted (`CardHighlighted`), so the screen
can fetch a column's next window as the cursor nears its end.

User text (titles, owners) is drawn as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Label, Static

from salessprint.domain.enums import StageKind
from salessprint.domain.text import counted
from salessprint.services.pipeline_view import PipelineDeal, StageSummary
from salessprint.tui.widgets.card_list import ITEM_HEIGHT, CardList

COLUMN_CHROME_ROWS = 7
"""Rows of a column that are not cards: its border (2) and its heading (5, with its padding)."""


def money(currency: str, amount: Decimal) -> str:
    """An amount with its currency, whole units: 'EUR 12,500'."""
    return f"{currency} {amount:,.0f}"


@dataclass(frozen=True)
class BoardStyle:
    """What the cards need to know besides the deal: the currency and the rotting colour."""

    currency: str
    rotting_colour: str


def card_lines(deal: PipelineDeal, style: BoardStyle) -> tuple[Text, Text]:
    """A deal as two lines: its title, then value, days in stage (marked when
    rotting) and the owner's login, short enough for a column of 20 ("10,400
    ⚠47d chris"; the column's heading carries the currency)."""
    title = Text(" ".join(deal.title.split()), style="bold")
    details = Text(f"{deal.value:,.0f}")
    days = f"⚠{deal.days_in_stage}d" if deal.rotting else f"{deal.days_in_stage}d"
    details.append(" ")
    details.append(days, style=f"bold {style.rotting_colour}" if deal.rotting else "")
    details.append(" ")
    details.append(" ".join(deal.owner.split()), style="italic")  # the login: short, so it stays in view
    return title, details


def column_heading(stage: StageSummary, currency: str) -> Text:
    """Four lines: name and probability; count (and rotting); total value; weighted value."""
    heading = Text(stage.name, style="bold")
    heading.append(f" · {stage.probability}%")
    heading.append(f"\n{counted(stage.count, 'deal')}")
    if stage.rotting:
        heading.append(f" · {stage.rotting} rotting")
    heading.append(f"\n{money(currency, stage.value)}")
    heading.append(f"\n{money(currency, stage.weighted)} weighted", style="dim")
    return heading


class StageCards(CardList[PipelineDeal]):
    """A column's cards; left/right go to the neighbouring column (not a sideways scroll)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left,h", "column(-1)", "Previous stage", show=False, id="stage_board.left", tooltip="The stage on the left"
        ),
        Binding(
            "right,l", "column(1)", "Next stage", show=False, id="stage_board.right", tooltip="The stage on the right"
        ),
    ]

    def __init__(self, stage: str, render_item: Callable[[PipelineDeal], tuple[Text, Text]]) -> None:
        super().__init__(render_item, classes="cards")
        self.stage = stage
        self._focus_on_mount = False
        self.scrollbar_flips = 0
        """How often the scrollbar came or went once shown (the tests: none as the board opens)."""

    def take_focus(self) -> None:
        """Focus now, or as soon as mounted (a focus asked for before that is lost)."""
        if self.is_mounted:
            self.focus()
        else:
            self._focus_on_mount = True

    def on_mount(self) -> None:
        if self._focus_on_mount:
            self._focus_on_mount = False
            self.focus()

    def expect_rows(self, rows: int) -> None:
        """Before its first layout: take the scrollbar now when the cards will not fit
        in `rows`. Textual decides it during a layout and then lays the screen out (and
        paints it) again; decided here, the board's first layout is its only one."""
        if not self.is_mounted:
            lines = max(0, len(self.items) * ITEM_HEIGHT - 1)
            self.set_reactive(CardList.show_vertical_scrollbar, lines > rows)
            if lines > rows:
                self.vertical_scrollbar.display = True  # its first setting would ask for a layout

    def _resize_virtual(self) -> None:
        # Cards never scroll sideways: a virtual width of 0 does not change when the
        # column is first laid out, so that layout is not followed by another one.
        self.virtual_size = Size(0, max(0, len(self.items) * ITEM_HEIGHT - 1))

    def on_resize(self, event: events.Resize) -> None:
        # CardList repaints every line on a resize. The size change has already
        # marked them (ScrollView._size_updated) and the layout that sent this
        # event painted them: repainting again cost the board's whole first paint
        # a second time (~100 ms of CPU on a 160x48 terminal).
        event.prevent_default()
        self._resize_virtual()

    def watch_show_vertical_scrollbar(self) -> None:
        if self.is_mounted:
            self.scrollbar_flips += 1

    def action_column(self, step: int) -> None:
        board = next((a for a in self.ancestors if isinstance(a, StageBoard)), None)
        if board is not None:
            board.focus_column(step)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        super().watch_highlighted(old, new)
        if self.is_mounted:
            self.post_message(StageBoard.CardHighlighted(self.stage, self.highlighted, len(self.items)))


class StageColumn(Vertical):
    """One open stage: its heading and its cards."""

    def __init__(self, stage: StageSummary, render_item: Callable[[PipelineDeal], tuple[Text, Text]]) -> None:
        super().__init__(classes="stage-column")
        self.stage = stage
        self.heading = Label("", classes="stage-heading", markup=False)
        self.cards = StageCards(stage.name, render_item)

    def compose(self) -> ComposeResult:
        yield self.heading
        yield self.cards


class StageBoard(Horizontal):
    """The open stages side by side, and the closed ones summed at the right."""

    SCOPED_CSS = False  # the projector rules start at the App (each rule names StageBoard itself)
    DEFAULT_CSS = """
    StageBoard {
        height: 1fr;
    }
    StageBoard .stage-column {
        width: 1fr;
        border: round $panel;
        padding: 0 0 0 1;
    }
    StageBoard .stage-column:focus-within {
        border: round $primary;
    }
    StageBoard .stage-heading {
        width: 1fr;
        height: 5;
        padding-bottom: 1;
    }
    StageBoard StageCards {
        scrollbar-size-vertical: 1;
    }
    StageBoard #closed-stages {
        width: 20;
        height: 1fr;
        border: round $panel;
        padding: 0 1;
    }
    App.-theme-projector StageBoard .stage-column {
        border: heavy $foreground;
    }
    App.-theme-projector StageBoard #closed-stages {
        border: heavy $foreground;
    }
    App.-theme-projector StageBoard .stage-column:focus-within {
        border: heavy $primary;
    }
    App.-theme-projector StageBoard .stage-heading {
        text-style: bold;
    }
    """

    @dataclass
    class CardHighlighted(Message):
        """The cursor is on card `index` of `count` held in the column of `stage`."""

        stage: str
        index: int | None
        count: int

    def __init__(self, render_item: Callable[[PipelineDeal], tuple[Text, Text]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.render_item = render_item
        self.columns: list[StageColumn] = []
        self._latest: tuple[Any, ...] | None = None
        """The last `show`'s arguments (what a build waiting for the first layout shows)."""
        self._waiting = False
        """A build waits for the board's first layout."""

    def compose(self) -> ComposeResult:
        yield Static("", id="closed-stages")

    # -- content --------------------------------------------------------
    def show(
        self,
        stages: Sequence[StageSummary],
        deals: dict[str, list[PipelineDeal]],
        currency: str,
        closed_note: str,
        select: int | None = None,
        focus: bool = True,
        focus_at: int | None = None,
    ) -> None:
        """Columns for the open `stages` with their `deals`; a card keeps its place
        (or `select`, a deal id, is selected, and its column focused when `focus`).
        With `focus_at`, column `focus_at` (clamped) takes the focus when none has it.

        New columns wait for the board's first layout when the data came before it:
        then their height is known and the cards take their scrollbars at once."""
        self._latest = (stages, deals, currency, closed_note, select, focus, focus_at)
        if self._waiting:
            return
        if not self.size and self.display and self._needs_columns(stages):
            self._waiting = True
            self.call_after_refresh(self._show_latest)
            return
        self._show(*self._latest)

    def _show_latest(self) -> None:
        self._waiting = False
        if self._latest is not None:
            self._show(*self._latest)

    def _needs_columns(self, stages: Sequence[StageSummary]) -> bool:
        return [c.stage.name for c in self.columns] != [s.name for s in stages if s.kind == StageKind.OPEN]

    def _show(
        self,
        stages: Sequence[StageSummary],
        deals: dict[str, list[PipelineDeal]],
        currency: str,
        closed_note: str,
        select: int | None,
        focus: bool,
        focus_at: int | None,
    ) -> None:
        open_stages = [s for s in stages if s.kind == StageKind.OPEN]
        mount: list[StageColumn] = []
        if self._needs_columns(stages):
            for column in self.columns:
                column.remove()
            self.columns = mount = [StageColumn(s, self.render_item) for s in open_stages]
        rows = self.content_size.height - COLUMN_CHROME_ROWS
        for column, stage in zip(self.columns, open_stages, strict=True):
            column.stage = stage
            column.heading.update(column_heading(stage, currency))
            self._fill(column.cards, deals.get(stage.name, []), select, focus)
            if self.size:
                column.cards.expect_rows(rows)
        if focus_at is not None and self.columns and self.focused_index() is None:
            # Now, not after a refresh: the focused column's style then comes with its first layout.
            self.columns[max(0, min(focus_at, len(self.columns) - 1))].cards.take_focus()
        if mount:
            self.mount_all(mount, before="#closed-stages")
        closed = Text()
        for stage in stages:
            if stage.kind != StageKind.OPEN:
                closed.append(f"{stage.name}\n", style="bold")
                closed.append(f"{counted(stage.count, 'deal')}\n{money(currency, stage.value)}\n\n")
        closed.append(closed_note, style="dim")
        self.query_one("#closed-stages", Static).update(closed)

    @staticmethod
    def _fill(cards: StageCards, deals: list[PipelineDeal], select: int | None, focus: bool) -> None:
        """New cards in a column, the selection kept on the same deal when it is still there."""
        index = next((i for i, d in enumerate(deals) if d.id == select), None)
        if index is not None:
            cards.set_items(deals, highlighted=index)
            if focus:
                cards.focus()
            return
        if deals == cards.items:
            return
        before = cards.items[cards.highlighted] if cards.highlighted is not None and cards.items else None
        index = next((i for i, d in enumerate(deals) if before is not None and d.id == before.id), None)
        cards.set_items(deals, highlighted=index)

    def append(self, stage: str, deals: list[PipelineDeal]) -> None:
        """More deals at the bottom of a column (its next window), the selection unchanged."""
        column = self.column(stage)
        if column is not None and deals:
            column.cards.set_items([*column.cards.items, *deals])

    def restyle(self) -> None:
        """Draw every card again (its colours are the theme's, resolved when drawn)."""
        for column in self.columns:
            column.cards.set_items(column.cards.items)

    # -- selection --------------------------------------------------------
    def column(self, stage: str) -> StageColumn | None:
        return next((c for c in self.columns if c.stage.name == stage), None)

    def focused_index(self) -> int | None:
        """The column whose cards have the focus (the screen's, read now: not a message later)."""
        focused = self.screen.focused if self.is_attached else None
        return next((i for i, c in enumerate(self.columns) if c.cards is focused), None)

    def focus_column(self, step: int = 0, at: int | None = None) -> None:
        """Focus the column `step` away from the focused one (or column `at`), clamped."""
        if not self.columns:
            return
        start = self.focused_index() if at is None else at
        index = max(0, min((start or 0) + step, len(self.columns) - 1))
        self.columns[index].cards.focus()

    def selected(self) -> PipelineDeal | None:
        """The highlighted card of the focused column."""
        index = self.focused_index()
        if index is None:
            return None
        cards = self.columns[index].cards
        if cards.highlighted is None or not cards.items:
            return None
        return cards.items[cards.highlighted]
