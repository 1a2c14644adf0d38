"""The pipeline's stage board: one column per open stage, deals as cards.

Each column is a heading (the stage's count, value and weighted value, summed
in SQL by the service) over its cards; a column holds the window of deals the
screen has fetched for it. Won and Lost are not columns: a narrow panel at the
right gives their counts and values. Left/right go between columns, up/down
between cards; the board tells its screen which card is highlighted
(`CardHighlighted`), so the screen can fetch a column's next window as the
cursor nears its end.

The whole board is one widget that draws its lines itself (`render_line`):
borders, headings, the cards on screen and each column's scrollbar. A board
of nested containers (a column, its heading, its card list and scrollbar per
stage) had the compositor style, cut and join every line once per widget
under it, and each data change laid the screen out and painted it again; here
the data's arrival is one repaint of the board's lines, a cursor step the
lines of the two cards it touches. Only the cards on screen are drawn, each
card's text is built the first time it shows.

User text (titles, owners, stage names) is drawn as `rich.text.Text`, never as
markup, control characters shown as symbols (`safe_text.shown`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual._border import BORDER_CHARS
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.geometry import Region
from textual.message import Message
from textual.scrollbar import ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from salessprint.domain.enums import StageKind
from salessprint.domain.text import counted
from salessprint.services.pipeline_view import PipelineDeal, StageSummary
from salessprint.tui.widgets.card_list import CardList
from salessprint.tui.widgets.safe_text import shown

ITEM_HEIGHT = 3
"""Lines per card: its title, its details, and a rule (none after the last)."""
HEADING_ROWS = 5
"""A column's heading: four lines and a blank one."""
COLUMN_CHROME_ROWS = 2 + HEADING_ROWS
"""Rows of a column that are not cards: its border (2) and its heading (5, with its padding)."""
CLOSED_WIDTH = 20
"""The Won/Lost panel at the right, its border included."""
SCROLL_LINES = 3
"""Lines a mouse wheel step scrolls a column."""


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


def drawn_as(deal: PipelineDeal) -> tuple[object, ...]:
    """What a card shows of its deal (`card_lines`): a fresher copy that shows the
    same (a new version, a new stage entry time) is not drawn again."""
    return (deal.id, deal.title, deal.value, deal.days_in_stage, deal.rotting, deal.owner)


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


@dataclass(eq=False)
class StageCards:
    """A column's cards: the deals held, the highlighted one and the first line on screen."""

    stage: str
    items: list[PipelineDeal] = field(default_factory=list)
    highlighted: int | None = None
    top: int = 0
    """The first card line in view (the column's scroll offset, in lines)."""
    texts: dict[int, tuple[Text, Text]] = field(default_factory=dict)
    """The two lines of the cards drawn so far, by index (built on first sight)."""

    @property
    def lines(self) -> int:
        """Lines all the cards take (the last has no rule)."""
        return max(0, len(self.items) * ITEM_HEIGHT - 1)


@dataclass(eq=False)
class StageColumn:
    """One open stage: its heading and its cards."""

    stage: StageSummary
    cards: StageCards
    heading: Text = field(default_factory=Text)
    heading_lines: list[Text] = field(default_factory=list)
    """The heading's lines (the four drawn)."""


@dataclass(frozen=True)
class _Paint:
    """What the lines of one paint share: the geometry and the styles."""

    width: int
    height: int
    slots: tuple[tuple[int, int], ...]
    """(x, width) of each column."""
    focused: int | None
    """The focused column (drawn with the focus border and cursor)."""
    base: Style
    border: Style
    border_focus: Style
    box: tuple[tuple[str, str, str], ...]
    box_focus: tuple[tuple[str, str, str], ...]
    heading: Style
    cards: Style
    rule: Style
    cursor: Style
    cursor_blurred: Style
    bar_back: Any
    bar_colour: Any
    bars: dict[int, list[Segment]] = field(default_factory=dict)
    """Each scrolling column's scrollbar cells, by column (worked out once per paint)."""


class StageBoard(Widget, can_focus=True):
    """The open stages side by side, and the closed ones summed at the right."""

    SCOPED_CSS = False  # the projector rules start at the App (each rule names StageBoard itself)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stage-board--column",
        "stage-board--column-focus",
        "stage-board--heading",
        "stage-board--cards",
        "stage-board--rule",
        "stage-board--cursor",
        "stage-board--cursor-blurred",
    }
    DEFAULT_CSS = """
    StageBoard {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    StageBoard > .stage-board--column {
        border: round $panel;
    }
    StageBoard > .stage-board--column-focus {
        border: round $primary;
    }
    StageBoard > .stage-board--cards {
        background: $surface;
    }
    StageBoard > .stage-board--rule {
        color: $panel-lighten-2;
    }
    StageBoard > .stage-board--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    StageBoard > .stage-board--cursor-blurred {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    App.-theme-projector StageBoard > .stage-board--column {
        border: heavy $foreground;
    }
    App.-theme-projector StageBoard > .stage-board--column-focus {
        border: heavy $primary;
    }
    App.-theme-projector StageBoard > .stage-board--heading {
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *CardList.BINDINGS,  # the cards' cursor keys, the same ids as a card list's (keymaps)
        Binding(
            "left,h", "column(-1)", "Previous stage", show=False, id="stage_board.left", tooltip="The stage on the left"
        ),
        Binding(
            "right,l", "column(1)", "Next stage", show=False, id="stage_board.right", tooltip="The stage on the right"
        ),
    ]

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
        self.current = 0
        """The column the cursor is in (the focused one while the board has the focus)."""
        self.closed: list[Text] = []
        """The Won/Lost panel's lines, wrapped to its width."""
        self._paint: _Paint | None = None
        self.repaints = 0
        """Full repaints asked for (the tests: one as the data comes, none when nothing changed)."""

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
        Nothing is repainted when nothing shown changed."""
        before = self._state()
        open_stages = [s for s in stages if s.kind == StageKind.OPEN]
        if [c.stage.name for c in self.columns] != [s.name for s in open_stages]:
            self.columns = [StageColumn(s, StageCards(s.name)) for s in open_stages]
            self.current = min(self.current, max(0, len(self.columns) - 1))
        focus_to: int | None = None
        for index, (column, stage) in enumerate(zip(self.columns, open_stages, strict=True)):
            column.stage = stage
            column.heading = column_heading(stage, currency)
            column.heading_lines = list(column.heading.split("\n"))[: HEADING_ROWS - 1]
            if self._fill(column.cards, deals.get(stage.name, []), select) and focus:
                focus_to = index
        if focus_to is not None:
            self.focus_column(at=focus_to)
        elif focus_at is not None and self.columns and self.focused_index() is None:
            self.focus_column(at=focus_at)
        closed = Text()
        for stage in stages:
            if stage.kind != StageKind.OPEN:
                closed.append(f"{stage.name}\n", style="bold")
                closed.append(f"{counted(stage.count, 'deal')}\n{money(currency, stage.value)}\n\n")
        closed.append(closed_note, style="dim")
        self.closed = list(closed.wrap(self.app.console, CLOSED_WIDTH - 4))
        for column in self.columns:
            self._keep_in_view(column.cards)
        if self._state() != before:
            self._repaint()

    def _state(self) -> tuple[Any, ...]:
        """What the board shows, to tell whether a `show` changed anything."""
        return (
            [(c.heading, [drawn_as(d) for d in c.cards.items], c.cards.highlighted, c.cards.top) for c in self.columns],
            [line.plain for line in self.closed],
            self.focused_index(),
        )

    def _fill(self, cards: StageCards, deals: list[PipelineDeal], select: int | None) -> bool:
        """New cards in a column, the selection kept on the same deal when it is
        still there; whether `select` is among them (and now highlighted)."""
        index = next((i for i, d in enumerate(deals) if d.id == select), None)
        if index is not None:
            self._set_items(cards, deals, index)
            return True
        if deals == cards.items:
            return False
        before = cards.items[cards.highlighted] if cards.highlighted is not None and cards.items else None
        index = next((i for i, d in enumerate(deals) if before is not None and d.id == before.id), None)
        self._set_items(cards, deals, index)
        return False

    def _set_items(self, cards: StageCards, deals: Sequence[PipelineDeal], highlighted: int | None = None) -> None:
        old, cards.items = cards.items, list(deals)
        cards.texts = {
            i: t
            for i, t in cards.texts.items()
            if i < len(old) and i < len(deals) and drawn_as(old[i]) == drawn_as(deals[i])
        }
        keep = cards.highlighted if highlighted is None else highlighted
        self._highlight(cards, None if not cards.items else max(0, min(keep or 0, len(cards.items) - 1)))

    def append(self, stage: str, deals: list[PipelineDeal]) -> None:
        """More deals at the bottom of a column (its next window), the selection unchanged."""
        column = self.column(stage)
        if column is not None and deals:
            column.cards.items.extend(deals)
            self._repaint()

    def restyle(self) -> None:
        """Draw every card again (its colours are the theme's, resolved when drawn)."""
        for column in self.columns:
            column.cards.texts.clear()
        self._repaint()

    def _repaint(self) -> None:
        self.repaints += 1
        self.refresh()

    # -- selection --------------------------------------------------------
    def column(self, stage: str) -> StageColumn | None:
        return next((c for c in self.columns if c.stage.name == stage), None)

    def focused_index(self) -> int | None:
        """The column the cursor is in while the board has the focus (the screen's, read now)."""
        if not self.columns or not self.is_attached or self.screen.focused is not self:
            return None
        return self.current

    def focus_column(self, step: int = 0, at: int | None = None) -> None:
        """Focus the column `step` away from the focused one (or column `at`), clamped."""
        if not self.columns:
            return
        start = self.focused_index() if at is None else at
        index = max(0, min((start or 0) + step, len(self.columns) - 1))
        if index != self.current:
            self._refresh_columns(self.current, index)
            self.current = index
        if self.screen.focused is not self:
            self.focus()

    def selected(self) -> PipelineDeal | None:
        """The highlighted card of the focused column."""
        index = self.focused_index()
        if index is None:
            return None
        cards = self.columns[index].cards
        if cards.highlighted is None or not cards.items:
            return None
        return cards.items[cards.highlighted]

    def _highlight(self, cards: StageCards, index: int | None) -> None:
        """Move a column's cursor, keep it in view and repaint what it touched."""
        old = cards.highlighted
        cards.highlighted = index
        if old == index:
            return
        first = old is None  # a column's first cards: nothing to tell (and the board paints whole)
        top = cards.top
        self._keep_in_view(cards)
        column = next((i for i, c in enumerate(self.columns) if c.cards is cards), None)
        if column is not None and self.size:
            if cards.top != top:
                self._refresh_cards(column)
            else:
                for item in (old, index):
                    if item is not None:
                        self._refresh_card(column, item)
        if self.is_mounted and not first:
            self.post_message(self.CardHighlighted(cards.stage, index, len(cards.items)))

    def _rows(self) -> int:
        """The card lines a column shows."""
        return max(0, self.size.height - COLUMN_CHROME_ROWS)

    def _keep_in_view(self, cards: StageCards) -> None:
        rows = self._rows()
        if not rows:
            return
        top = cards.top
        if cards.highlighted is not None:
            first = cards.highlighted * ITEM_HEIGHT
            last = first + ITEM_HEIGHT - 2  # the card's two lines (its rule may stay out of view)
            if first < top:
                top = first
            elif last >= top + rows:
                top = last - rows + 1
        cards.top = max(0, min(top, cards.lines - rows))

    def _slots(self, width: int) -> list[tuple[int, int]]:
        """(x, width) of each column: the width left of the closed panel, shared out."""
        count = len(self.columns)
        room = max(0, width - CLOSED_WIDTH)
        return [(room * i // count, room * (i + 1) // count - room * i // count) for i in range(count)]

    def _refresh_columns(self, *indices: int) -> None:
        slots = self._slots(self.size.width)
        for index in indices:
            if 0 <= index < len(slots):
                x, width = slots[index]
                self.refresh(Region(x, 0, width, self.size.height))

    def _refresh_cards(self, index: int) -> None:
        x, width = self._slots(self.size.width)[index]
        self.refresh(Region(x, 1 + HEADING_ROWS, width, self._rows()))

    def _refresh_card(self, index: int, item: int) -> None:
        cards = self.columns[index].cards
        x, width = self._slots(self.size.width)[index]
        first = item * ITEM_HEIGHT - cards.top
        top, bottom = max(0, first), min(self._rows(), first + ITEM_HEIGHT - 1)
        if bottom > top:
            self.refresh(Region(x, 1 + HEADING_ROWS + top, width, bottom - top))

    # -- keys and mouse ----------------------------------------------------
    def _focused_cards(self) -> StageCards | None:
        index = self.focused_index()
        return None if index is None else self.columns[index].cards

    def action_cursor(self, step: int) -> None:
        cards = self._focused_cards()
        if cards is not None and cards.items:
            now = 0 if cards.highlighted is None else cards.highlighted + step
            self._highlight(cards, max(0, min(now, len(cards.items) - 1)))

    def action_page(self, step: int) -> None:
        self.action_cursor(step * max(1, self._rows() // ITEM_HEIGHT))

    def action_first(self) -> None:
        cards = self._focused_cards()
        if cards is not None:
            self.action_cursor(-len(cards.items))

    def action_last(self) -> None:
        cards = self._focused_cards()
        if cards is not None:
            self.action_cursor(len(cards.items))

    def action_column(self, step: int) -> None:
        self.focus_column(step)

    def _column_at(self, x: int) -> int | None:
        return next(
            (i for i, (left, width) in enumerate(self._slots(self.size.width)) if left <= x < left + width), None
        )

    def on_click(self, event: events.Click) -> None:
        index = self._column_at(event.x)
        if index is None:
            return
        self.focus_column(at=index)
        cards = self.columns[index].cards
        row = event.y - 1 - HEADING_ROWS
        if cards.items and 0 <= row < self._rows():
            item = (cards.top + row) // ITEM_HEIGHT
            if item < len(cards.items):
                self._highlight(cards, item)

    def _scroll(self, x: int, lines: int) -> bool:
        index = self._column_at(x)
        if index is None:
            return False
        cards = self.columns[index].cards
        top = max(0, min(cards.top + lines, cards.lines - self._rows()))
        if top == cards.top:
            return False
        cards.top = top
        self._refresh_cards(index)
        return True

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self._scroll(event.x, SCROLL_LINES):
            event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self._scroll(event.x, -SCROLL_LINES):
            event.stop()

    def on_resize(self) -> None:
        # The new size has already marked every line (Widget._size_updated): repaint
        # again only when a cursor had to scroll into view.
        tops = [c.cards.top for c in self.columns]
        for column in self.columns:
            self._keep_in_view(column.cards)
        if tops != [c.cards.top for c in self.columns]:
            self._repaint()

    def on_focus(self) -> None:
        self._refresh_columns(self.current)

    def on_blur(self) -> None:
        self._refresh_columns(self.current)

    # -- drawing ------------------------------------------------------------
    def _paint_context(self) -> _Paint:
        width, height = self.size
        base = self.rich_style
        _, background = self.background_colors

        def border(name: str) -> tuple[Style, tuple[tuple[str, str, str], ...]]:
            kind, colour = self.get_component_styles(name).border_top
            style = Style.from_color((background + colour).rich_color, background.rich_color)
            return style, BORDER_CHARS[kind or "round"]

        def over(name: str, under: tuple[Color, Color]) -> tuple[Color, Color, Style]:
            """A component's colours laid over `under` (background, colour), as its
            widget would lay them over its own (a cursor over the cards' background)."""
            styles = self.get_component_styles(name)
            back, fore = under
            if styles.has_rule("background"):
                back = back + styles.background
            if styles.has_rule("color"):
                fore = styles.color
            if styles.has_rule("auto_color") and styles.auto_color:
                fore = back.get_contrast_text(fore.a)  # `$text`: the contrast of what lies under
            return back, fore, styles.text_style + Style.from_color((back + fore).rich_color, back.rich_color)

        border_style, box = border("stage-board--column")
        focus_style, focus_box = border("stage-board--column-focus")
        fore = Color.from_rich_color(base.color) if base.color is not None else Color(255, 255, 255)
        cards_back, cards_fore, cards = over("stage-board--cards", (background, fore))
        cards = base + cards
        styles = self.styles
        back = styles.scrollbar_background
        if back.a < 1:
            back = background + back
        colour: Color = back + styles.scrollbar_color
        return _Paint(
            width,
            height,
            tuple(self._slots(width)),
            self.focused_index(),
            base,
            border_style,
            focus_style,
            box,
            focus_box,
            base + over("stage-board--heading", (background, fore))[2],
            cards,
            cards + over("stage-board--rule", (cards_back, cards_fore))[2],
            cards + over("stage-board--cursor", (cards_back, cards_fore))[2],
            cards + over("stage-board--cursor-blurred", (cards_back, cards_fore))[2],
            back.rich_color,
            colour.rich_color,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the lines in `crop`, working out once what they share (the styles
        walk every ancestor's, the geometry follows the size)."""
        self._paint = self._paint_context()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._paint_context()
        segments: list[Segment] = []
        for index, (column, (_x, width)) in enumerate(zip(self.columns, paint.slots, strict=True)):
            segments += self._column_line(index, column, y, width, paint)
        closed_x = paint.slots[-1][0] + paint.slots[-1][1] if paint.slots else max(0, paint.width - CLOSED_WIDTH)
        closed_width = min(CLOSED_WIDTH, paint.width - closed_x)
        if closed_x > 0 and not paint.slots:
            segments.append(Segment(" " * closed_x, paint.base))
        segments += self._box_line(y, closed_width, paint, paint.border, paint.box, self._closed_line)
        return Strip(segments).adjust_cell_length(paint.width, paint.base)

    def _box_line(
        self,
        y: int,
        width: int,
        paint: _Paint,
        style: Style,
        box: tuple[tuple[str, str, str], ...],
        inner: Callable[[int, int], list[Segment]],
    ) -> list[Segment]:
        """A bordered panel's line `y`: its top or bottom edge, or its sides around `inner(y - 1, width - 2)`."""
        if width < 2:
            return [Segment(" " * width, paint.base)] if width > 0 else []
        if y == 0 or y == paint.height - 1:
            left, fill, right = box[0 if y == 0 else 2]
            return [Segment(left + fill * (width - 2) + right, style)]
        left, _, right = box[1]
        return [Segment(left, style), *inner(y - 1, width - 2), Segment(right, style)]

    def _closed_line(self, row: int, width: int) -> list[Segment]:
        paint = self._paint or self._paint_context()
        text = self.closed[row] if row < len(self.closed) else Text()
        return [Segment(" ", paint.base), *self._text(text, width - 2, paint.base), Segment(" ", paint.base)]

    def _column_line(self, index: int, column: StageColumn, y: int, width: int, paint: _Paint) -> list[Segment]:
        focused = paint.focused == index
        style, box = (paint.border_focus, paint.box_focus) if focused else (paint.border, paint.box)

        def inner(row: int, room: int) -> list[Segment]:
            pad = [Segment(" ", paint.base)]  # the column's left padding
            room -= 1
            if room <= 0:
                return pad if room == 0 else []
            if row < HEADING_ROWS:
                lines = column.heading_lines
                return pad + self._text(lines[row] if row < len(lines) else Text(), room, paint.heading)
            return pad + self._card_line(index, column.cards, row - HEADING_ROWS, room, paint)

        return self._box_line(y, width, paint, style, box, inner)

    def _card_line(self, column: int, cards: StageCards, row: int, width: int, paint: _Paint) -> list[Segment]:
        rows = max(0, paint.height - COLUMN_CHROME_ROWS)
        bar = cards.lines > rows
        room = width - 1 if bar else width
        line = cards.top + row
        index, part = divmod(line, ITEM_HEIGHT)
        if index >= len(cards.items) or room <= 0:
            segments = [Segment(" " * max(0, room), paint.cards)]
        elif part == ITEM_HEIGHT - 1:
            segments = [Segment("─" * room, paint.rule)]
        else:
            texts = cards.texts.get(index)
            if texts is None:
                texts = cards.texts[index] = self.render_item(cards.items[index])
            style = paint.cards
            if index == cards.highlighted:
                style = paint.cursor if paint.focused == column else paint.cursor_blurred
            segments = self._text(texts[part], room, style)
        if bar:
            bars = paint.bars.get(column)
            if bars is None:
                drawn = ScrollBarRender.render_bar(
                    size=rows,
                    virtual_size=cards.lines,
                    window_size=rows,
                    position=cards.top,
                    thickness=1,
                    vertical=True,
                    back_color=paint.bar_back,
                    bar_color=paint.bar_colour,
                ).segments
                # (without the bar's mouse actions: the board scrolls its columns itself)
                bars = paint.bars[column] = [Segment(s.text, s.style and s.style.clear_meta_and_links()) for s in drawn]
            segments.append(bars[row] if row < len(bars) else Segment(" ", paint.cards))
        return segments

    def _text(self, text: Text, width: int, style: Style) -> list[Segment]:
        """`text` on one line of `width` cells (cut with an ellipsis, padded) over `style`."""
        if width <= 0:
            return []
        line = shown(text)
        line.truncate(width, overflow="ellipsis", pad=True)
        segments = list(Segment.apply_style(line.render(self.app.console), style))
        return Segment.adjust_line_length(segments, width, style)
