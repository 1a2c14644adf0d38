"""A table of one-line rows drawn through the Line API (the backlog's list).

Textual's `DataTable` measures every cell of every row it is given to size its
columns, and a filter keystroke replaces all the rows it holds, so each one
cost tens of milliseconds on the UI thread. Here the columns have fixed
widths (one may take the rest of the line), each row is one line, the height
is arithmetic, and `render_line` draws only the rows on screen, each built
the first time it scrolls into view. Cells are `rich.text.Text`: user text is
never read as markup, and control characters in it are drawn as symbols.

It answers the part of `DataTable`'s interface the screens use: `cursor_row`,
`row_count`, `move_cursor(row=)`, and the `RowHighlighted` / `RowSelected`
messages (handled as `on_row_table_row_highlighted` / `..._selected`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from salessprint.tui.widgets.safe_text import shown


def _signature(cells: Sequence[Text]) -> tuple[tuple[str, str, tuple[object, ...]], ...]:
    """A row's cells as comparable values (rich's `Text ==` ignores the style)."""
    return tuple((c.plain, str(c.style), tuple(c.spans)) for c in cells)


@dataclass(frozen=True)
class Column:
    label: str
    width: int | None = None
    """Cells wide; None takes what the fixed columns leave (at least `min_width`)."""
    justify: str = "left"
    min_width: int = 12


GAP = 2
"""Blank cells between two columns (and before the first)."""


class RowTable(ScrollView, can_focus=True):
    """Rows of cells under a header line; the cursor is a whole row."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-table--header",
        "row-table--cursor",
        "row-table--even",
    }
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        height: 1fr;
    }
    RowTable > .row-table--header {
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    RowTable > .row-table--even {
        background: $surface-lighten-1;
    }
    RowTable > .row-table--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    RowTable:focus > .row-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="rows.up", tooltip="Select the row above"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="rows.down", tooltip="Select the row below"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="rows.page_up", tooltip="A page up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="rows.page_down", tooltip="A page down"),
        Binding("home", "first", "First", show=False, id="rows.first", tooltip="Select the first row"),
        Binding("end", "last", "Last", show=False, id="rows.last", tooltip="Select the last row"),
        Binding("enter", "select", "Open", show=False, id="rows.select", tooltip="Open the selected row"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=False, repaint=False)
    """Index of the selected row (0 when the table is empty)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), repaint=False)
    """The rows' height, without the layout (nor the repaint of the whole
    table) `Widget.virtual_size` asks for.

    The table's own size is fixed by the stylesheet (`1fr`), so a new row
    count changes nothing around it; yet a layout was the whole screen laid
    out and drawn again (about 13 kB to the terminal for a few rows) on every
    filter keystroke that changed the count, and the scrollbar's new thumb
    came in a frame of its own after it. `set_rows` and `append_rows` repaint
    the lines whose row changed, and `_resize_virtual` updates the scrollbar,
    in the same frame as the rows."""

    @dataclass
    class RowHighlighted(Message):
        """The cursor moved to `cursor_row` (also when moved by the program)."""

        table: RowTable
        cursor_row: int

        @property
        def control(self) -> RowTable:
            return self.table

    @dataclass
    class RowSelected(Message):
        """Enter (or a click on the selected row) on `cursor_row`."""

        table: RowTable
        cursor_row: int

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.rows: list[Sequence[Text]] = []
        self._lines: dict[int, list[Segment]] = {}
        """Rows drawn so far, as one line of segments each (built on first sight)."""
        self._styles: dict[str, Style] = {}
        """Styles looked up once until the styles change: this widget's, its component
        classes' (by name) and the cells' (parsed)."""
        self._widths: list[int] = []
        self._widths_for = -1
        self._strips: dict[tuple[int, bool, int], Strip] = {}
        """Drawn lines by (row, under the cursor, width); -1 is the header."""
        self._signatures: list[tuple[tuple[str, str, tuple[object, ...]], ...]] = []
        """What each row shows (text, style and spans of its cells): a row equal to the one held is not redrawn."""

    # -- content --------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: Sequence[Sequence[Text]]) -> None:
        """Show these rows instead of those held; the cursor index is clamped.

        Only what changed is drawn again: a row equal to the one held at its
        index keeps its drawn line, and only the lines on screen whose row
        changed are repainted (none when the visible window is the same)."""
        old = self._signatures
        self.rows = list(rows)
        self._signatures = [_signature(row) for row in self.rows]
        changed = [i for i, sig in enumerate(self._signatures) if i >= len(old) or old[i] != sig]
        changed += range(len(self.rows), len(old))  # rows gone: their lines go blank
        for index in changed:
            self._forget(index)
        cursor, top = self.cursor_row, self._top()
        if len(old) != len(self.rows):
            self._resize_virtual()
        self.set_reactive(RowTable.cursor_row, self.validate_cursor_row(self.cursor_row))
        self._scroll_to_cursor()
        if self._top() != top:
            self.refresh()  # scrolled: every line moves
            return
        if cursor != self.cursor_row:
            changed += [cursor, self.cursor_row]
        self._refresh_rows(changed)

    def append_rows(self, rows: Sequence[Sequence[Text]]) -> None:
        """Add rows at the end; nothing held moves (only new lines on screen are drawn)."""
        start = len(self.rows)
        self.rows.extend(rows)
        self._signatures.extend(_signature(row) for row in rows)
        self._resize_virtual()
        self._refresh_rows(range(start, len(self.rows)))

    def _forget(self, index: int) -> None:
        """Drop what was drawn of row `index` (its content changed)."""
        self._lines.pop(index, None)
        for key in [k for k in self._strips if k[0] == index]:
            del self._strips[key]

    def _top(self) -> int:
        return round(self.scroll_offset.y)

    def _visible_rows(self) -> range:
        top = self._top()
        return range(top, top + max(0, self.scrollable_content_region.height - 1))

    def _refresh_rows(self, indices: Iterable[int]) -> None:
        """Repaint the lines of these rows that are on screen (nothing else)."""
        visible = self._visible_rows()
        for index in sorted({i for i in indices if i in visible}):
            self.refresh_line(index + 1)  # line 0 of the virtual area is the header

    def clear(self) -> None:
        self.set_rows([])

    def _resize_virtual(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self.rows) + 1)
        if size == self.virtual_size:
            return
        self.virtual_size = size
        if self.is_mounted:
            # What a layout would do for a scrollable widget: the scrollbar's
            # thumb, and the scroll offset clamped to the new height.
            self._scroll_update(size)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # theme, focus or hover changed the colours
        self._styles.clear()

    def on_focus(self) -> None:
        self._strips.clear()
        self._styles.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self._styles.clear()
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._lines.clear()
        self._strips.clear()
        self._resize_virtual()
        self._scroll_to_cursor()
        self.refresh()

    # -- the cursor -----------------------------------------------------------
    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor_row(self, old: int, row: int) -> None:
        top = self._top()
        self._scroll_to_cursor()
        if self._top() == top:
            self._refresh_rows([old, row])  # the two rows the cursor left and reached
        else:
            self.refresh()
        if self.rows:
            self.post_message(self.RowHighlighted(self, row))

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = row

    def _scroll_to_cursor(self) -> None:
        if not self.is_mounted:
            return
        visible = max(1, self.scrollable_content_region.height - 1)  # the header takes a line
        top = round(self.scroll_offset.y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, force=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, force=True)

    def action_cursor(self, step: int) -> None:
        self.cursor_row += step

    def action_page(self, step: int) -> None:
        self.cursor_row += step * max(1, self.scrollable_content_region.height - 2)

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0 or not self.rows:
            return
        row = round(self.scroll_offset.y) + offset.y - 1
        if row >= len(self.rows):
            return
        if row == self.cursor_row:
            self.action_select()
        self.cursor_row = row

    # -- drawing ---------------------------------------------------------------
    def _column_widths(self, width: int) -> list[int]:
        if self._widths_for != width:
            self._widths_for = width
            fixed = sum(c.width for c in self.columns if c.width is not None)
            flexible = [c for c in self.columns if c.width is None]
            spare = max(0, width - fixed - GAP * len(self.columns))
            share = max((c.min_width for c in flexible), default=0)
            share = max(share, spare // len(flexible)) if flexible else 0
            self._widths = [c.width if c.width is not None else share for c in self.columns]
        return self._widths

    def _line(self, cells: Sequence[Text]) -> list[Segment]:
        """One row as segments in the cells' own styles, each cell cut or padded to its column."""
        segments: list[Segment] = []
        widths = self._column_widths(self.scrollable_content_region.width)
        gap = Segment(" " * GAP)
        for column, width, cell in zip(self.columns, widths, cells, strict=False):
            segments.append(gap)
            segments.extend(self._cell(cell, width, column.justify))
        return segments

    def _cell(self, cell: Text, width: int, justify: str) -> list[Segment]:
        plain = cell.plain
        if not cell.spans and plain.isascii() and plain.isprintable():
            # The common cell, one style and one cell per character: cut and
            # padded by hand (rich's Text measures every character).
            if len(plain) > width:
                plain = plain[: max(0, width - 1)] + "…" if width else ""
            pad = " " * (width - len(plain))
            style = self._parsed(cell.style)
            if justify == "right":
                return [Segment(pad), Segment(plain, style)]
            if justify == "center":
                left = " " * ((width - len(plain)) // 2)
                return [Segment(left), Segment(plain, style), Segment(pad[len(left) :])]
            return [Segment(plain, style), Segment(pad)]
        text = shown(cell)
        text.truncate(width, overflow="ellipsis")
        text.align(justify if justify in ("left", "center", "right") else "left", width)  # type: ignore[arg-type]
        return list(text.render(self.app.console))

    def _parsed(self, style: str | Style) -> Style | None:
        if isinstance(style, Style):
            return style
        if not style:
            return None
        found = self._styles.get(style)
        if found is None:
            found = self._styles[style] = Style.parse(style)
        return found

    def _strip(self, segments: list[Segment], style: Style, width: int) -> Strip:
        """One line in the row's style, its runs of one style joined into one segment.

        Each segment goes to the terminal with its whole style and a reset
        (`Strip.render`): a row of eight cells, each cut and padded, was some
        25 segments, about 1 kB a line, 45 kB for a screenful; joined, a plain
        row is a few segments (its bold or italic cells apart), and Textual's
        per-segment work on the line shrinks alike."""
        line = Segment.adjust_line_length(list(Segment.apply_style(segments, style)), width, style)
        return Strip(list(Segment.simplify(line)), width)

    def _component(self, name: str) -> Style:
        """The style of a component class (kept until the styles change)."""
        found = self._styles.get(name)
        if found is None:
            found = self._styles[name] = self.rich_style if name == "" else self.get_component_rich_style(name)
        return found

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._component("")
        if width <= 0:
            return Strip.blank(0, base)
        index = -1 if y == 0 else round(self.scroll_offset.y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        key = (index, index == self.cursor_row, width)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 400:
                self._strips.clear()
            strip = self._strips[key] = self._draw(index, base, width)
        return strip

    def _draw(self, index: int, base: Style, width: int) -> Strip:
        if index < 0:
            header = self._line([Text(c.label) for c in self.columns])
            return self._strip(header, base + self._component("row-table--header"), width)
        line = self._lines.get(index)
        if line is None:
            line = self._lines[index] = self._line(self.rows[index])
        style = base
        if index % 2:
            style += self._component("row-table--even")
        if index == self.cursor_row:
            style += self._component("row-table--cursor")
        return self._strip(line, style, width)
