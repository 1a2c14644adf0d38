"""What every top-level screen shares: the header, the footer, loading data."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen

from salessprint.tui.widgets.footer import LeanFooter
from salessprint.tui.widgets.status_header import StatusHeader


def theme_colour(app: App[Any], name: str) -> str:
    """A colour of the current theme (for Rich text styles inside tables)."""
    return str(app.theme_variables.get(name) or app.theme_variables.get("foreground", ""))


class BaseScreen(Screen[None]):
    """A mode screen: header on top, footer with its keys below."""

    TITLE_TEXT = ""

    def compose_header(self) -> ComposeResult:
        yield StatusHeader(id="status")

    def compose_footer(self) -> ComposeResult:
        yield LeanFooter()

    def on_screen_resume(self) -> None:
        self.context_changed()
        self.reload()

    def context_changed(self) -> None:
        app: Any = self.app
        header = self.query_one(StatusHeader)
        header.team, header.sprint, header.me = app.team, app.sprint, app.me
        header.today = app.today
        header.screen_title = self.TITLE_TEXT

    def reload(self) -> None:
        """Fetch this screen's data (in a worker). Screens override."""
