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
from salessprint.tui.live import StoreChanged, StoreOffline, StoreOnline, start_live_refresh
from salessprint.tui.themes import APP_VARIABLES, load_themes

# (mode name, key, title, screen class): the order is the number keys' order.
SCREENS: list[tuple[str, str, str, type]] = [
    ("board", "3", "Board", BoardScreen),
]


class SalesSprintApp(App[None]):
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
        Binding("H", "history", "History", id="app.history", tooltip="Who changed what, newest first"),
        Binding("ctrl+z", "undo", "Undo", id="app.undo", tooltip="Undo my last change, if nobody changed it since"),
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
        start_live_refresh(self)

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

    # -- shared store: live refresh, offline indicator, history, undo ----------
    store_online: bool = True
    """False while the database does not answer (the live worker retries)."""

    def on_store_changed(self, message: StoreChanged) -> None:
        # Only the screen on top: a screen underneath reloads when it resumes,
        # and a half-filled form is never reloaded under the user's fingers.
        self.refresh_context()
        if hasattr(self.screen, "reload"):
            self.screen.reload()

    def on_store_offline(self, message: StoreOffline) -> None:
        self.store_online = False
        self.sub_title = "OFFLINE"
        self.notify(f"{message.reason} Retrying…", title="Offline", severity="error",
                    timeout=24 * 3600, markup=False)

    def on_store_online(self, message: StoreOnline) -> None:
        self.store_online = True
        self.sub_title = ""
        self.clear_notifications()
        self.notify("The database answers again; screens are up to date.", title="Back online", markup=False)

    def action_history(self) -> None:
        from salessprint.tui.modals.history import HistoryModal

        if not isinstance(self.screen, HistoryModal):
            self.push_screen(HistoryModal())

    def action_undo(self) -> None:
        from salessprint.services.history import undo

        call_service(self, undo, done=lambda result: self.notify(result.message, title="Undone", markup=False),
                     group="undo")
