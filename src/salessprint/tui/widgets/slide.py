"""The pieces of a review slide that are read from the back of a room: the
title in big type and the headline figures in Textual's large `Digits`.

Both keep their words as plain text (`SlideTitle.text`, `SlideFigure.value`
and `caption`): what a test, or a screen reader, reads is what was meant.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Digits, Label

from salessprint.tui.widgets.slide_font import big_lines, big_width


class SlideTitle(Widget):
    """A slide's title in big capitals, or in bold ordinary type where they
    would not fit (a narrow terminal)."""

    DEFAULT_CSS = """
    SlideTitle { height: auto; width: 1fr; text-style: bold; color: $primary; content-align: center middle; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        """The title as words."""

    def update(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh(layout=True)

    def fits(self, width: int) -> bool:
        """Whether the big type fits in `width` cells."""
        return big_width(self.text) <= width

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return 3 if self.fits(width) else 1

    def render(self) -> Text:
        if self.fits(self.content_region.width or self.size.width):
            return Text("\n".join(big_lines(self.text)), no_wrap=True)
        return Text(self.text.upper(), no_wrap=True, overflow="ellipsis")


class SlideFigure(Vertical):
    """One headline figure: the number in large digits, a caption under it."""

    DEFAULT_CSS = """
    SlideFigure { width: auto; height: auto; padding: 0 3; align-horizontal: center; }
    SlideFigure Digits { width: auto; text-style: bold; color: $accent; }
    SlideFigure Label { width: auto; color: $foreground; }
    SlideFigure.hidden { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="hidden")
        self.value = ""
        """The figure as shown (digits, separators)."""
        self.caption = ""
        """What the figure counts, in words."""

    def compose(self) -> ComposeResult:
        yield Digits("")
        yield Label("", markup=False)

    def show(self, value: str, caption: str) -> None:
        self.value, self.caption = value, caption
        self.query_one(Digits).update(value)
        self.query_one(Label).update(Text(caption))
        self.remove_class("hidden")

    def clear(self) -> None:
        self.value = self.caption = ""
        self.add_class("hidden")
