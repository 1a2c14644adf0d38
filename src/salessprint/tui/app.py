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
from salessprint.tui.commands import ScreenActions
from salessprint.tui.screens.activity import ActivityScreen
from salessprint.tui.screens.backlog import BacklogScreen
from salessprint.tui.screens.board import BoardScreen
from salessprint.tui.screens.pipeline import PipelineScreen
from salessprint.tui.screens.planning import PlanningScreen
from salessprint.tui.screens.retro import RetroScreen
from salessprint.tui.screens.dashboard import DashboardScreen
from salessprint.tui.screens.review import ReviewScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.live import LiveStoreApp
from salessprint.tui.themes import APP_VARIABLES, load_themes

# (mode name, key, title, screen class): the order is the number keys' order.
# Add a screen by adding one line here.
SCREENS: list[tuple[str, str, str, type]] = [
    ("backlog", "1", "Backlog", BacklogScreen),
    ("planning", "2", "Planning", PlanningScreen),
    ("board", "3", "Board", BoardScreen),
    ("pipeline", "4", "Pipeline", PipelineScreen),
    ("activity", "5", "Activity", ActivityScreen),
    ("retro", "6", "Retro", RetroScreen),
    ("dashboard", "7", "Dashboard", DashboardScreen),
    ("review", "f5", "Review", ReviewScreen),
]


def _mode_bindings() -> list[BindingType]:
    return [
        Binding(key, f"app.switch_mode('{name}')", title, id=f"mode.{name}",
                tooltip=f"Open the {title} screen")
        for name, key, title, _cls in SCREENS
    ]


class SalesSprintApp(LiveStoreApp, App[None]):
    """Weekly sales sprints in the terminal."""

    TITLE = "salessprint"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = App.COMMANDS | {ScreenActions}
    ENABLE_COMMAND_PALETTE = True
    MODES: ClassVar[dict[str, Any]] = {name: cls for name, _key, _title, cls in SCREENS}
    BINDINGS: ClassVar[list[BindingType]] = [
        *_mode_bindings(),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show the keys of this screen"),
        Binding("ctrl+t", "change_theme", "Theme", id="app.theme", show=False,
                tooltip="Choose a colour theme (remembered)"),
        Binding("ctrl+o", "open_import", "Import", id="app.import", show=False,
                tooltip="Import deals from a CRM export (admins)"),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave salessprint"),
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
        self._opened = False

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLES)

    def on_mount(self) -> None:
        from salessprint.config import user_themes_dir

        loaded = load_themes(user_themes_dir())
        for theme in loaded.themes:
            self.register_theme(theme)
        self.theme_failures = loaded.failed
        for path, reason in loaded.failed:
            self.notify(f"Theme file {path.name} skipped: {reason}", severity="warning", markup=False,
                        timeout=10)
        self.theme = self.wanted_theme if self.wanted_theme in self.available_themes else "salessprint-dark"
        self.refresh_context()

    def action_open_import(self) -> None:
        from salessprint.tui.modals.import_dialog import ImportDialog

        def imported(result: Any) -> None:
            if result is not None:
                self.refresh_context()
                reload = getattr(self.screen, "reload", None)
                if reload is not None:
                    reload()

        self.push_screen(ImportDialog(), imported)

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
        if not self._opened:
            # First screen: the board of the active sprint, else the backlog.
            self._opened = True
            active = self.sprint is not None and self.sprint.state == "active"
            self.switch_mode("board" if active else "backlog")
            return
        for screen in self.screen_stack:
            if hasattr(screen, "context_changed"):
                screen.context_changed()

    def action_help(self) -> None:
        from salessprint.tui.modals.help import KeysModal

        if isinstance(self.screen, KeysModal):
            return
        self.push_screen(KeysModal(self.screen))

    @property
    def today(self) -> Any:
        return clock.today()
