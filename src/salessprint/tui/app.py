"""The salessprint Textual app: modes for the main screens, shared header data.

Each top-level screen is a mode (number keys switch); dialogs are modal
screens. The app holds the store handle and my login; screens load their
data through `call_service`, never on the UI thread.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from salessprint.domain import clock
from salessprint.domain.values import MemberView, SprintView, TeamView
from salessprint.tui.screens.board import BoardScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.live import LiveStoreApp
from salessprint.tui.themes import APP_VARIABLES, load_themes

# (mode name, key, title, screen class): the order is the number keys' order.
SCREENS: list[tuple[str, str, str, type]] = [
    ("board", "3", "Board", BoardScreen),
]


class SalesSprintApp(LiveStoreApp, App[None]):
    """Weekly sales sprints in the terminal."""

    TITLE = "salessprint"
    CSS_PATH = "styles/app.tcss"
    MODES: ClassVar[dict[str, Any]] = {name: cls for name, _key, _title, cls in SCREENS}
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"switch_mode('{name}')", title, id=f"mode.{name}", tooltip=f"Open the {title} screen")
            for name, key, title, _cls in SCREENS
        ),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show the keys of this screen"),
        Binding("ctrl+t", "change_theme", "Theme", id="app.theme", show=False),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, store: Any, login: str, theme_name: str = "salessprint-dark") -> None:
        super().__init__()
        self.store = store
        self.login = login
        self.wanted_theme = theme_name
        self.team: TeamView | None = None
        self.sprint: SprintView | None = None
        self.me: MemberView | None = None
        self.theme_failures: list[tuple[Any, str]] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLES)

    def on_mount(self) -> None:
        from salessprint.config import user_themes_dir

        loaded = load_themes(user_themes_dir())
        for theme in loaded.themes:
            self.register_theme(theme)
        self.theme_failures = loaded.failed
        for path, reason in loaded.failed:
            self.notify(f"Theme file {path.name} skipped: {reason}", severity="warning", markup=False)
        self.theme = self.wanted_theme if self.wanted_theme in self.available_themes else "salessprint-dark"
        self.refresh_context()
        self.switch_mode("board")

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and theme != self.wanted_theme:
            self.wanted_theme = theme
            from salessprint.config import save_settings

            save_settings(theme=theme)

    def refresh_context(self) -> None:
        """Reload team, sprint and me for the header (in a worker)."""
        from salessprint.services.app_context import load_context

        call_service(self, load_context, done=self._got_context, group="context")

    def _got_context(self, ctx: Any) -> None:
        self.team, self.sprint, self.me = ctx.team, ctx.sprint, ctx.me
        for screen in self.screen_stack:
            if hasattr(screen, "context_changed"):
                screen.context_changed()

    @property
    def today(self) -> Any:
        return clock.today()
