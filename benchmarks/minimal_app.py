"""The yardstick for start-up: the smallest Textual app with a header line and
a footer, launched exactly like salessprint. Its first frame is what Python
plus Textual cost on this machine, so salessprint's start-up is reported as a
ratio to it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static

MARKER = "salessprint minimal"


class MinimalApp(App[None]):
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(MARKER, id="header")
        yield Footer()


if __name__ == "__main__":
    MinimalApp().run()
