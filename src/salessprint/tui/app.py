"""The salessprint Textual app: modes for the main screens, shared header data.

Each top-level screen is a mode (number keys switch); dialogs are modal
screens. The app holds the store handle and my login; screens load their
data through `call_service`, never on the UI thread.

Start-up is lazy, so the first frame costs little more than Textual itself:
the app draws a "loading…" line at once. Given `first` (what the command line
peeked at without pydantic: store, login, theme), its first worker reads the
theme files and the header and board with the SQLite driver alone
(`services.first_paint`) and draws them (`tui.first_paint`); only then does
the next worker import SQLAlchemy, open the store (plain-SQL schema check),
load the header's context (`whoami` and sprint) and import the first
screen's module, which opens over that frame with the same cards. Screens
are imported when first opened. A start-up failure sets `fatal_error` and
exits with status 1.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from salessprint.domain import clock
from salessprint.domain.enums import Role, SprintState
from salessprint.domain.errors import SalesSprintError
from salessprint.tui.commands import ScreenActions
from salessprint.tui.guards import guarded_state
from salessprint.tui.keys import KeyDeliveryApp
from salessprint.tui.live import LiveStoreApp
from salessprint.tui.service_calls import call_service
from salessprint.tui.themes import APP_VARIABLES, LoadedThemes, load_themes

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from textual.screen import Screen
    from textual.widget import AwaitMount, Widget

    from salessprint.domain.values import MemberView, SprintView, TeamView
    from salessprint.quick_settings import QuickSettings
    from salessprint.services.app_context import AppContext
    from salessprint.services.first_paint import FirstRead
    from salessprint.services.importing import ImportResult
    from salessprint.store.db import Store
    from salessprint.tui.screens.base import BaseScreen


class LazyScreen:
    """A screen class named by its module, imported on first use.

    Textual's MODES accept a callable returning a screen, so only the first
    screen's module loads at start-up; attributes (`BINDINGS`, ...) are the
    class's, so code that inspects SCREENS sees the class it stands for."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def load(self) -> type[BaseScreen]:
        """The screen class (importing its module the first time)."""
        screen_class: type[BaseScreen] = getattr(importlib.import_module(self.module), self.name)
        return screen_class

    def __call__(self) -> BaseScreen:
        screen = self.load()()
        _mark_styled(screen)
        return screen

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self.load(), attr)

    def __repr__(self) -> str:
        return f"LazyScreen({self.module}.{self.name})"


def _mark_styled(screen: Screen[Any]) -> None:
    """A new screen is styled by the stylesheet as it is: Textual would re-parse
    the whole stylesheet for it (twice when it is the first screen), though CSS
    it brings is parsed anyway when its widgets register, and a theme change
    still pending restyles it. Once every screen's CSS is preloaded nothing is
    parsed at all (see `tui.css_preload`)."""
    from textual._context import active_app

    app = active_app.get(None)
    if isinstance(app, SalesSprintApp):
        from salessprint.tui.css_preload import mark_styled

        mark_styled(app, screen)


def _screen(module: str, name: str) -> LazyScreen:
    return LazyScreen(f"salessprint.tui.screens.{module}", name)


# (mode name, key, title, screen class): the order is the number keys' order.
# Add a screen by adding one line here.
SCREENS: list[tuple[str, str, str, LazyScreen]] = [
    ("today", "0", "Today", _screen("today", "TodayScreen")),
    ("backlog", "1", "Backlog", _screen("backlog", "BacklogScreen")),
    ("planning", "2", "Planning", _screen("planning", "PlanningScreen")),
    ("board", "3", "Board", _screen("board", "BoardScreen")),
    ("pipeline", "4", "Pipeline", _screen("pipeline", "PipelineScreen")),
    ("activity", "5", "Activity", _screen("activity", "ActivityScreen")),
    ("retro", "6", "Retro", _screen("retro", "RetroScreen")),
    ("dashboard", "7", "Dashboard", _screen("dashboard", "DashboardScreen")),
    ("review", "f5", "Review", _screen("review", "ReviewScreen")),
]
SCREEN_CLASSES = {name: cls for name, _key, _title, cls in SCREENS}


HIDDEN_MODE_KEYS = frozenset({"today"})
"""Mode keys left out of the footer (still under `?` and in the palette): a
rep's home is where the app opens, and the footer's number keys already run
past 140 columns."""


def _mode_bindings() -> list[BindingType]:
    return [
        Binding(
            key,
            f"app.switch_mode('{name}')",
            title,
            id=f"mode.{name}",
            tooltip=f"Open the {title} screen",
            show=name not in HIDDEN_MODE_KEYS,
        )
        for name, key, title, _cls in SCREENS
    ]


STARTED_ONLY = frozenset({"switch_mode", "help", "change_theme", "open_import", "history", "undo", "command_palette"})
"""Actions that need the store and the context (disabled while starting)."""


class Opened(NamedTuple):
    """What the command line's `connect` gives the app: the store, who I am, and
    my theme (read from the settings in the worker, not before the first frame)."""

    store: Store
    login: str
    theme: str | None = None


def open_and_load(connect: Callable[[], Opened] | None, store: Store | None, login: str) -> tuple[Opened, AppContext]:
    """The start-up work, off the UI thread: read the settings and open the
    store (schema checked) through `connect`, load the header's context (which
    fails plainly for an unknown login), and import the first screen's module.
    Returns (what was opened, context)."""
    from salessprint.services.app_context import load_context

    opened = store is None
    if store is None:
        assert connect is not None
        store, login, theme = connect()
    else:
        theme = None
    try:
        ctx = load_context(store, login)
    except BaseException:
        if opened:
            store.dispose()  # the app never gets it; the CLI will not close it
        raise
    SCREEN_CLASSES[first_mode(ctx)].load()
    return Opened(store, login, theme), ctx


IDLE_POLL_SECONDS = 0.05
"""How often the app looks whether it is idle, to preload what later screens need."""
IDLE_POLLS = 4
"""Looks in a row with no worker running before the app counts as idle."""

GC_SETTLE_SECONDS = 2.0
"""When, after start-up, the garbage collector is switched back on, unless the
preload is still to come or under way: then the preload does it, once it has
frozen what it imported."""
IDLE_COLLECT_POLL_SECONDS = 0.25
"""How often the app looks whether a full collection is due and it is idle."""
IDLE_COLLECT_AFTER = 4
"""Young collections since the last full one after which the app runs the full
one itself once idle (CPython's own comes after 10, whatever the app is doing)."""


def settle_garbage_collector() -> None:
    """Switch the garbage collector back on after start-up, if `open_tui` paused it.

    Start-up allocates the bulk of the app's long-lived objects (modules,
    SQLAlchemy, widgets): collecting while that happens cost ~0.2 s of CPU
    before the board shows. Those objects are then frozen (moved out of the
    collector's sight), so a full collection later while the user types takes
    a few milliseconds instead of ~90 ms."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def freeze_long_lived() -> None:
    """Move every object alive now out of the collector's sight.

    The preload imports every screen's module and parses all their CSS after
    the first freeze: hundreds of thousands of objects that live as long as the
    app. Left in view, a full collection walks them all while the user types
    (100–330 ms on a first open or a keystroke on the large store)."""
    gc.freeze()


def full_collection_due() -> bool:
    """Enough young collections have run since the last full one that CPython's
    own full pass is near (it runs after 10, in whatever allocates: a first open)."""
    return gc.isenabled() and gc.get_count()[2] >= IDLE_COLLECT_AFTER


def shed_render_caches(screen: Screen[Any]) -> None:
    """Drop the lines the widgets of a screen that was left have drawn.

    Every mode's screen stays alive once opened (its state is kept), and with
    it every line its widgets drew and the crops and styles derived from them:
    ~1 kB a line, thousands of lines a screen, ~10 MB once every screen of the
    large store has been opened. Going back redraws the visible lines once."""
    from textual.widget import Widget
    from textual.widgets import DataTable

    for widget in screen.walk_children(Widget, with_self=True):
        widget._styles_cache.clear()
        if isinstance(widget, DataTable):
            widget._clear_caches()


def read_themes() -> LoadedThemes:
    """The shipped themes and the user's theme folder (see `tui.themes`)."""
    from salessprint.paths import user_themes_dir

    return load_themes(user_themes_dir())


def first_mode(ctx: AppContext) -> str:
    """A rep's Today; for others the board of the active sprint, else the backlog."""
    if ctx.me.role == Role.REP:
        return "today"
    return "board" if ctx.sprint is not None and ctx.sprint.state == SprintState.ACTIVE else "backlog"


class SalesSprintApp(KeyDeliveryApp, LiveStoreApp, App[None]):
    """Weekly sales sprints in the terminal."""

    TITLE = "salessprint"
    CSS_PATH = "styles/app.tcss"
    CSS = "#loading { dock: top; height: 1; background: $panel; color: $foreground; padding: 0 1; }"
    COMMANDS = App.COMMANDS | {ScreenActions}
    ENABLE_COMMAND_PALETTE = True
    review_only: ClassVar[bool] = False
    """True for `salessprint review`: leaving the review quits the app."""
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {name: cls for name, _key, _title, cls in SCREENS}
    BINDINGS: ClassVar[list[BindingType]] = [
        *_mode_bindings(),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show the keys of this screen"),
        Binding(
            "ctrl+t", "change_theme", "Theme", id="app.theme", show=False, tooltip="Choose a colour theme (remembered)"
        ),
        Binding(
            "ctrl+o",
            "open_import",
            "Import",
            id="app.import",
            show=False,
            tooltip="Import deals from a CRM export (admins)",
        ),
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave salessprint"),
    ]

    def __init__(
        self,
        store: Store | None = None,
        login: str = "",
        theme_name: str = "salessprint-dark",
        *,
        connect: Callable[[], Opened] | None = None,
        first: QuickSettings | None = None,
    ) -> None:
        super().__init__()
        if store is None and connect is None:
            raise ValueError("SalesSprintApp needs a store or a way to open one (connect)")
        self.store: Store | None = store
        """The opened store; None until the first worker has opened it (see `connect`)."""
        self._connect = connect
        self._first = first if connect is not None else None
        """Store, login and theme as peeked at before the settings proper: the first frame's read."""
        self.first_read: FirstRead | None = None
        """What the first frame showed (None: it showed the loading line only)."""
        self.login = login
        self.wanted_theme = theme_name
        self._themes_applied = False
        """Set once the themes are registered: from then on a theme set is the user's choice (saved)."""
        self.team: TeamView | None = None
        self.sprint: SprintView | None = None
        self.me: MemberView | None = None
        self.theme_failures: list[tuple[Path, str]] = []
        self.fatal_error: str | None = None
        """Why start-up failed (no such member, old schema, server down): the app
        exits with status 1 and the CLI prints this line."""
        self._opened = False
        self.manages_gc = not gc.isenabled()
        """`open_tui` paused the garbage collector for start-up: the app switches it
        back on, and freezes what the preload imports (see `freeze_long_lived`)."""
        self._preloading = True
        """The preload is still to come or under way: the collector stays off until it
        has frozen what it imported (see `_settle_gc`)."""
        self.css_preloaded = False
        """True once every screen's, dialog's and widget's CSS is in the stylesheet
        (see `tui.css_preload`): from then on no first open re-parses it."""
        self._first_frame: Widget | None = None
        """The first frame with data while it is mounted (see `_drop_first_frame`)."""
        self._first_screen: asyncio.Future[None] | None = None
        """Done when the first screen is open (or start-up failed): keys typed while
        the store opens wait for it, instead of meeting the disabled loading frame."""

    def compose(self) -> ComposeResult:
        # What shows while the first worker opens the store: the header line
        # saying so. No footer: its keys would be composed twice (disabled, then
        # enabled) only to be replaced by the first screen's a moment later.
        yield Static(Text.assemble(("salessprint", "bold"), ("  loading…", "dim")), id="loading")

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_VARIABLES)

    def on_mount(self) -> None:
        self._first_screen = asyncio.get_running_loop().create_future()
        self.hold_keys_until(self._first_screen)
        if self._connect is None:
            # Given a store (tests, demo, review): the themes are needed at once.
            self._apply_themes(read_themes())
        # Draw the loading frame first, then the first read (themes, header and
        # board by the SQLite driver) and, once that is drawn, open the store in
        # a worker: SQLAlchemy and pydantic load after the first frame with data.
        self.call_after_refresh(self._start if self._first is None else self._read_first)

    def _read_first(self) -> None:
        first = self._first
        assert first is not None

        def job() -> None:
            themes: LoadedThemes | None = None
            read: FirstRead | None = None
            try:
                themes = read_themes()
                from salessprint.services.first_paint import first_read

                read = first_read(first.db, first.user, board=True)
            except Exception as exc:  # the store's own open says what is wrong
                self.log.warning(f"first read skipped: {exc!r}")
            self.call_from_thread(self._first_paint, themes, read)

        self.run_worker(job, thread=True, group="context", exit_on_error=False, name="first read")

    def _first_paint(self, themes: LoadedThemes | None, read: FirstRead | None) -> None:
        assert self._first is not None
        if themes is not None:
            self.wanted_theme = self._first.theme
            self._apply_themes(themes)
        if read is not None and self.store is None and not self._opened:
            from salessprint.tui.first_paint import FirstFrame

            self.first_read = read
            loading = self.query("#loading")
            self._first_frame = FirstFrame(read)
            self.mount(self._first_frame)
            loading.remove()
        self.call_after_refresh(self._start)

    def _apply_themes(self, loaded: LoadedThemes) -> None:
        for theme in loaded.themes:
            self.register_theme(theme)
        self.theme_failures = loaded.failed
        for path, reason in loaded.failed:
            self.notify(f"Theme file {path.name} skipped: {reason}", severity="warning", markup=False, timeout=10)
        # A fallback for a theme that failed to load is not the user's choice: not saved.
        self.theme = self.wanted_theme if self.wanted_theme in self.available_themes else "salessprint-dark"
        self._themes_applied = True

    def _start(self) -> None:
        def job() -> None:
            try:
                themes = read_themes() if self._connect is not None and not self._themes_applied else None
                opened, ctx = open_and_load(self._connect, self.store, self.login)
            except SalesSprintError as exc:
                self.call_from_thread(self._fail, exc.message)
                return
            except Exception as exc:
                self.call_from_thread(self._fail, f"salessprint could not start: {type(exc).__name__}: {exc}")
                return
            self.call_from_thread(self._started, opened, ctx, themes)

        self.run_worker(job, thread=True, group="context", exit_on_error=False, name="start")

    def _started(self, opened: Opened, ctx: AppContext, themes: LoadedThemes | None = None) -> None:
        self.store, self.login = opened.store, opened.login
        if opened.theme:
            if self._themes_applied and opened.theme != self.wanted_theme:
                # The settings proper differ from what the first frame peeked at: theirs.
                self.wanted_theme = opened.theme
                self.theme = opened.theme if opened.theme in self.available_themes else "salessprint-dark"
            self.wanted_theme = opened.theme
        if themes is not None:
            self._apply_themes(themes)
        self.start_live()
        self._got_context(ctx)
        if self.manages_gc:
            self.set_timer(GC_SETTLE_SECONDS, self._settle_gc)

    def _settle_gc(self) -> None:
        """Switch the collector back on, unless the preload is under way: it does
        so itself once it has frozen what it imported (a collection meanwhile
        would walk every module the preload's thread brings in, on that thread,
        holding the GIL, while the user types)."""
        if self._preloading or gc.isenabled():
            return
        settle_garbage_collector()
        self._collect_when_idle()

    def _preload_over(self) -> None:
        """The preload installed, found nothing new, or gave up: the collector back on."""
        self._preloading = False
        if self.manages_gc:
            freeze_long_lived()
            self._settle_gc()

    def _collect_when_idle(self) -> None:
        """Run the full collections CPython would run in the middle of a key's
        work (a first open allocates enough for one: 30-150 ms walking every
        screen opened so far) while the app is idle instead, just before they
        are due. Idle: no worker (key delivery, a screen's load) for two looks."""
        from textual.worker import WorkerState

        quiet = 0

        def check() -> None:
            nonlocal quiet
            if not full_collection_due():
                quiet = 0
                return
            busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers)
            quiet = 0 if busy else quiet + 1
            if quiet >= 2:
                quiet = 0
                gc.collect()

        self.set_interval(IDLE_COLLECT_POLL_SECONDS, check, name="idle collection")

    def _fail(self, message: str) -> None:
        self._first_screen_open()
        self.fatal_error = message
        self.exit(return_code=1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Until the store is open and I am known, screen keys are shown but disabled.
        if self.team is None and action in STARTED_ONLY:
            return None
        return guarded_state(self, self, action)  # my role's keys only (tui/guards.py)

    def switch_mode(self, mode: str) -> AwaitMount:
        left = self.screen_stack[-1] if mode != self.current_mode and self.screen_stack else None
        mounted = super().switch_mode(mode)
        if left is not None:
            self.call_after_refresh(self._shed_left, left)
        return mounted

    def _shed_left(self, screen: Screen[Any]) -> None:
        if screen is not self.screen:  # not switched straight back to it
            shed_render_caches(screen)

    def action_open_import(self) -> None:
        from salessprint.tui.modals.import_dialog import ImportDialog

        def imported(result: ImportResult | None) -> None:
            if result is not None:
                self.refresh_context()
                reload = getattr(self.screen, "reload", None)
                if reload is not None:
                    reload()

        self.push_screen(ImportDialog(), imported)

    def watch_theme(self, theme: str) -> None:
        if self._themes_applied and theme != self.wanted_theme:
            self.wanted_theme = theme
            from salessprint.config import save_settings

            save_settings(theme=theme)

    def refresh_context(self) -> None:
        """Reload team, sprint and me for the header (in a worker)."""
        if self.store is None:
            return  # still starting: the first worker loads the context
        from salessprint.services.app_context import load_context

        call_service(self, load_context, done=self._got_context, group="context")

    def _got_context(self, ctx: AppContext) -> None:
        self.team, self.sprint, self.me = ctx.team, ctx.sprint, ctx.me
        if not self._opened:
            # First screen: the board of the active sprint, else the backlog,
            # unless a screen was opened meanwhile (the review app opens its own).
            self._opened = True
            self.refresh_bindings()  # the keys check_action held back while starting
            self._first_screen_open()  # keys typed meanwhile go to it (once it has mounted)
            self.call_after_refresh(self._preload_when_idle)
            if self.current_mode == self.DEFAULT_MODE:
                mode = first_mode(ctx)
                mounted = self.switch_mode(mode)
                self._seed_first_screen(mode, ctx, mounted)
                self._drop_first_frame(mounted)
                return
            self._drop_first_frame(None)
        for screen in self.screen_stack:
            if hasattr(screen, "context_changed"):
                screen.context_changed()

    def _drop_first_frame(self, mounted: Awaitable[Any] | None) -> None:
        """Once the first screen is up, take the first frame down: the default
        mode's screen is never shown again, yet it kept the frame's widgets and
        every line they drew (~4 MB on the large store's board)."""
        frame = self._first_frame
        if frame is None:
            return
        self._first_frame = None

        async def drop() -> None:
            if mounted is not None:
                await mounted
            await frame.remove()

        self.call_later(drop)

    def _seed_first_screen(self, mode: str, ctx: AppContext, mounted: Awaitable[Any]) -> None:
        """The board opens with the cards the first frame showed, if the store's
        context is the one that frame read (the board's own reload follows)."""
        read = self.first_read
        if mode != "board" or read is None or read.board is None:
            return
        from salessprint.services.first_paint import board_of, context_of

        if context_of(read) != ctx:
            return  # the settings proper chose another store or member: their screen reads its own
        view = board_of(read.board)
        screen = self.screen

        async def seed() -> None:
            await mounted
            show = getattr(screen, "show_board", None)
            if show is not None and screen.is_mounted and not getattr(screen, "_painted", False):
                show(view)

        self.call_later(seed)

    def _preload_when_idle(self) -> None:
        """Once the app has been idle a moment (the first screen has its data),
        import every screen, dialog and widget module and parse their CSS in a
        worker, then install it: the likely next screen, and every other, then
        opens without a re-parse (see `tui.css_preload`)."""
        self._when_idle(self._preload_css)

    def _when_idle(self, then: Callable[[], object]) -> None:
        """Call `then` once the app has been idle for IDLE_POLLS looks in a row: no
        worker pending or running (a key's delivery, a screen's load), the screen
        on top mounted. Each step of the preload waits so: a key pressed while
        one step runs has its open done before the next step starts."""
        from textual.app import ScreenStackError
        from textual.worker import WorkerState

        quiet = 0

        def check() -> None:
            nonlocal quiet
            busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.workers)
            try:
                mounted = self.screen.is_mounted
            except ScreenStackError:  # a mode switching in: its stack is not there yet
                mounted = False
            quiet = 0 if busy or not mounted else quiet + 1
            if quiet >= IDLE_POLLS:
                timer.stop()
                then()

        timer = self.set_interval(IDLE_POLL_SECONDS, check)

    def _preload_css(self, tries: int = 3) -> None:
        from salessprint.tui import css_preload

        def job() -> None:
            try:
                css_preload.import_ui_modules(screen.module for _name, _key, _title, screen in SCREENS)
            except BaseException:
                self.call_from_thread(self._preload_over)
                raise
            self.call_from_thread(self._when_idle, parse)  # not in the middle of a key's open

        def parse() -> None:
            base = dict(self.stylesheet.source)
            try:
                candidate = css_preload.with_every_source(self.stylesheet)
            except BaseException:
                self._preload_over()
                raise
            if candidate is None:
                self.css_preloaded = True
                self._preload_over()
                return

            def parse_job() -> None:
                try:
                    candidate.parse()
                except BaseException:
                    self.call_from_thread(self._preload_over)
                    raise
                self.call_from_thread(self._when_idle, lambda: install(candidate, base))

            self.run_worker(parse_job, thread=True, group="preload", exit_on_error=False, name="preload css")

        def install(candidate: Any, base: dict[Any, Any]) -> None:
            if css_preload.still_current(self, candidate, base):
                css_preload.install(self, candidate)
                self.css_preloaded = True
                self._preload_over()  # what it imported frozen, then the collector back on
            elif tries > 1:  # a theme changed meanwhile: again, with its colours
                self._preload_css(tries - 1)
            else:
                self._preload_over()

        self.run_worker(job, thread=True, group="preload", exit_on_error=False, name="preload")

    def _first_screen_open(self) -> None:
        if self._first_screen is not None and not self._first_screen.done():
            self._first_screen.set_result(None)

    def action_help(self) -> None:
        from salessprint.tui.modals.help import KeysModal

        if isinstance(self.screen, KeysModal):
            return
        self.push_screen(KeysModal(self.screen))

    @property
    def today(self) -> date:
        """The team's calendar day (UTC's until the team is loaded)."""
        return clock.team_today(self.team.timezone if self.team else "UTC")
