"""What every top-level screen and dialog shares: the typed app, the header, the footer, loading data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, ComposeResult
from textual.screen import ModalScreen, Screen

from salessprint.tui.widgets.footer import LeanFooter
from salessprint.tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from textual import getters

    from salessprint.tui.app import SalesSprintApp

ResultT = TypeVar("ResultT")


def theme_colour(app: App[Any], name: str) -> str:
    """A colour of the current theme (for Rich text styles inside tables)."""
    return str(app.theme_variables.get(name) or app.theme_variables.get("foreground", ""))


class AppScreen(Screen[None]):
    """A screen of the salessprint app."""

    if TYPE_CHECKING:  # `self.app` is the salessprint app
        app = getters.app(SalesSprintApp)


class BaseScreen(AppScreen):
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
        app = self.app
        header = self.query_one(StatusHeader)
        header.team, header.sprint, header.me = app.team, app.sprint, app.me
        header.today = app.today
        header.screen_title = self.TITLE_TEXT

    def reload(self) -> None:
        """Fetch this screen's data (in a worker). Screens override."""


class BaseModal(ModalScreen[ResultT]):
    """A dialog of the salessprint app, dismissed with a `ResultT` (or None)."""

    if TYPE_CHECKING:  # `self.app` is the salessprint app (tests host dialogs in apps of their own)
        app = getters.app(SalesSprintApp)
