"""A windowed list of two-line items (board cards): only the visible ones are drawn.

An `OptionList` measures every option (wrapping its text) whenever one is
added or removed, so a lane of a few hundred cards costs tens of milliseconds
per change on the UI thread. Here every item is exactly `ITEM_HEIGHT` lines
(two lines of text and a rule), so the list's height is arithmetic, and
`render_line` draws only the lines on screen; an item's text is built when it
first scrolls into view. New items repaint only the items that changed (an
item at the same place that is equal, or drawn the same, keeps its lines), a
cursor step the two items it touches. The list may hold a window of a longer one: with `more` set, it
posts `NearEnd` as the cursor nears its last item, and `append_items` adds
the next window. `call_after_paint` runs work once the list's new lines are
on the terminal (a move's write, a toast), so it never holds the paint back.

The cursor is drawn in the focused style when the list has the focus, or when
it is `lit`: a board that keeps the focus on one widget lights the list its
selection is in, and only the cursor's card repaints (a focus change restyled
the list and repainted every line of it, and of its neighbour).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from salessprint.tui.widgets.safe_text import shown

T = TypeVar("T")

ITEM_HEIGHT = 3
"""Lines per item: a heading line, a detail line, and a rule (none after the last)."""
AHEAD = 20
"""Items before the last one held at which the next window is asked for."""
PAINT_LIMIT = 0.25
"""Seconds after which work waiting for a paint runs anyway (the list was hidden, say)."""


class CardList(ScrollView, Generic[T], can_focus=True):
    """Items drawn two lines each by `render_item`; `highlighted` is the selected index."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"card-list--cursor", "card-list--focused-cursor", "card-list--rule"}
    DEFAULT_CSS = """
    CardList {
        background: $surface;
    }
    CardList > .card-list--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    CardList > .card-list--focused-cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    CardList > .card-list--rule {
        color: $panel-lighten-2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="cards.up", tooltip="Select the card above"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="cards.down", tooltip="Select the card below"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="cards.page_up", tooltip="A page of cards up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="cards.page_down", tooltip="A page of cards down"),
        Binding("home", "first", "First", show=False, id="cards.first", tooltip="Select the first card"),
        Binding("end", "last", "Last", show=False, id="cards.last", tooltip="Select the last card"),
    ]

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    """Index of the selected item, or None when the list is empty."""

    @dataclass
    class NearEnd(Message):
        """The cursor is within AHEAD items of the last one held, and `more` follow."""

        card_list: CardList[Any]

        @property
        def control(self) -> CardList[Any]:
            return self.card_list

    def __init__(
        self,
        render_item: Callable[[T], tuple[Text, Text]],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.render_item = render_item
        self.items: list[T] = []
        self._texts: dict[int, tuple[Text, Text]] = {}
        """The two lines of the items drawn so far, by index (built on first sight)."""
        self.more = False
        """More items follow the last one held (the screen reads them on `NearEnd`)."""
        self._asked_at = -1
        """How many items were held when `NearEnd` was last posted (once per window)."""
        self._after_paint: list[Callable[[], object]] = []
        """Work to run once the next lines are drawn (`call_after_paint`)."""
        self._paint: _Paint | None = None
        """What every line of one `render_lines` shares (styles, width, scroll)."""
        self._lit = False
        self._sized: Size | None = None
        """The size at the last `Resize` (a new size has marked every line already)."""

    # -- content --------------------------------------------------------
    @property
    def item_count(self) -> int:
        return len(self.items)

    def set_items(self, items: Sequence[T], highlighted: int | None = None) -> None:
        """Show `items`; select `highlighted` (clamped), else keep the index.

        Only the items that differ from those held at their index are drawn again."""
        keep = self.highlighted if highlighted is None else highlighted
        old, self.items = self.items, list(items)
        changed = [i for i, item in enumerate(self.items) if i >= len(old) or old[i] != item]
        top, height = self._top(), self.scrollable_content_region.height
        on_screen = range(top // ITEM_HEIGHT, (top + height) // ITEM_HEIGHT + 1)
        for index in changed:
            drawn = self._texts.pop(index, None)
            if drawn is not None and index in on_screen and self.render_item(self.items[index]) == drawn:
                self._texts[index] = drawn  # another value drawn the same (a fresh version): no repaint
        changed = [i for i in changed if i not in self._texts]
        changed += range(len(self.items), len(old))  # gone: their lines go blank
        self._asked_at = -1
        if len(old) != len(self.items):
            self._resize_virtual()
        top = self._top()
        self.highlighted = None if not self.items else min(keep or 0, len(self.items) - 1)
        if self._top() == top:
            self._refresh_items(changed)  # else it scrolled, and the whole list was repainted

    def append_items(self, items: Sequence[T]) -> None:
        """Add items at the end (the next window); nothing held moves."""
        start = len(self.items)
        self.items.extend(items)
        self._resize_virtual()
        self._refresh_items(range(max(0, start - 1), len(self.items)))  # the last held gains its rule

    def _top(self) -> int:
        return round(self.scroll_offset.y)

    def _refresh_items(self, indices: Iterable[int]) -> None:
        """Repaint the lines of these items that are on screen (nothing else)."""
        top, height = self._top(), self.scrollable_content_region.height
        for index in sorted(set(indices)):
            first = index * ITEM_HEIGHT
            if first < top + height and first + ITEM_HEIGHT > top:
                self.refresh_lines(first, ITEM_HEIGHT)

    def _resize_virtual(self) -> None:
        """The list's height follows its items. A change that leaves the scrollbar
        as it was (shown, or not needed) moves its thumb only: the screen's layout
        (and the full repaint after it) is redone only when the scrollbar comes or goes."""
        # Width 0: cards never scroll sideways. The content width would shrink when
        # the vertical scrollbar comes, leaving a horizontal scrollbar under every lane.
        size = Size(0, max(0, len(self.items) * ITEM_HEIGHT - 1))
        old, viewport = self.virtual_size, self.container_size.height
        if size == old:
            return
        flips = (old.height > viewport) != (size.height > viewport) or self.show_horizontal_scrollbar
        if not self.is_mounted or not viewport or flips:
            self.virtual_size = size
            return
        self.set_reactive(CardList.virtual_size, size)
        if self.show_vertical_scrollbar:
            bar = self.vertical_scrollbar
            bar.window_virtual_size = size.height
            bar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def on_resize(self, event: events.Resize) -> None:
        self._resize_virtual()
        # A new size has marked every line (ScrollView._size_updated) and the layout
        # that sent this event drew them: repainting them again drew every lane twice
        # as the board opened. The same size with a new content width (the scrollbar
        # came or went) marked nothing.
        if event.size == self._sized:
            self.refresh()
        self._sized = event.size

    # -- lit ----------------------------------------------------------------
    @property
    def lit(self) -> bool:
        """The cursor is drawn as if the list had the focus (another widget has it)."""
        return self._lit

    @lit.setter
    def lit(self, lit: bool) -> None:
        if lit != self._lit:
            self._lit = lit
            if self.highlighted is not None:
                self._refresh_items([self.highlighted])  # the cursor's card, nothing else

    # -- selection --------------------------------------------------------
    def validate_highlighted(self, value: int | None) -> int | None:
        if value is None or not self.items:
            return None
        return max(0, min(value, len(self.items) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        top = self._top()
        self.scroll_to_highlight()
        if self._top() == top:
            self._refresh_items([i for i in (old, new) if i is not None and i < len(self.items)])
        else:
            self.refresh()
        if self.more and new is not None and new >= len(self.items) - AHEAD and self._asked_at != len(self.items):
            self._asked_at = len(self.items)
            self.post_message(self.NearEnd(self))

    def scroll_to_highlight(self) -> None:
        if self.highlighted is None or not self.is_mounted:
            return
        top = self.highlighted * ITEM_HEIGHT
        self.scroll_to_region(Region(0, top, 1, ITEM_HEIGHT - 1), animate=False, force=True, x_axis=False)

    def on_show(self) -> None:
        self.scroll_to_highlight()

    def action_cursor(self, step: int) -> None:
        if self.items:
            self.highlighted = 0 if self.highlighted is None else self.highlighted + step

    def action_page(self, step: int) -> None:
        per_page = max(1, self.scrollable_content_region.height // ITEM_HEIGHT)
        self.action_cursor(step * per_page)

    def action_first(self) -> None:
        self.action_cursor(-len(self.items))

    def action_last(self) -> None:
        self.action_cursor(len(self.items))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and self.items:
            self.highlighted = (offset.y + round(self.scroll_offset.y)) // ITEM_HEIGHT

    # -- drawing ------------------------------------------------------------
    def call_after_paint(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the list's next lines are on the terminal.

        Textual's `call_after_refresh` may run before a repaint asked for just
        now (the screen can go idle before this list has told it what changed),
        so work started there (a thread holding the GIL, a toast's layout) held
        the paint back. The compositor draws this list's lines inside one
        screen update, which writes the frame before anything queued meanwhile
        runs: a callback queued from `render_line` runs after the frame is out.
        Should nothing be drawn (the list hidden), it runs after `PAINT_LIMIT`."""
        self._after_paint.append(callback)
        if len(self._after_paint) == 1:
            self.set_timer(PAINT_LIMIT, self._painted)

    def _painted(self) -> None:
        callbacks, self._after_paint = self._after_paint, []
        for callback in callbacks:
            self.call_later(callback)

    def _paint_context(self) -> _Paint:
        base = self.rich_style
        cursor = "card-list--focused-cursor" if self._lit or self.has_focus else "card-list--cursor"
        return _Paint(
            self.scrollable_content_region.width,
            round(self.scroll_offset.y),
            base,
            base + self.get_component_rich_style("card-list--rule"),
            base + self.get_component_rich_style(cursor),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        """Draw the lines in `crop`, working out once what they share: `rich_style`
        walks every ancestor's styles, which cost more than the line itself when
        asked for each of a move's eighty lines."""
        self._paint = self._paint_context()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        if self._after_paint:
            self._painted()
        paint = self._paint or self._paint_context()
        width = paint.width
        line = paint.top + y
        index, part = divmod(line, ITEM_HEIGHT)
        if index >= len(self.items) or width <= 0:
            return Strip.blank(width, paint.base)
        if part == ITEM_HEIGHT - 1:
            return Strip([Segment("─" * width, paint.rule)], width)
        texts = self._texts.get(index)
        if texts is None:
            texts = self._texts[index] = self.render_item(self.items[index])
        text = shown(texts[part])
        text.truncate(width, overflow="ellipsis", pad=True)
        style = paint.cursor if index == self.highlighted else paint.base
        segments: Any = Segment.apply_style(text.render(self.app.console), style)
        return Strip(segments, width).crop_extend(0, width, style)


@dataclass(frozen=True)
class _Paint:
    """What the lines of one paint of a `CardList` share."""

    width: int
    top: int
    """The first line on screen (the scroll offset)."""
    base: Style
    rule: Style
    cursor: Style
