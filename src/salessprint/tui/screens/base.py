"""What every top-level screen and dialog shares: the typed app, the header, the footer,
loading data, and only the keys my role may use (see `tui.guards`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, TypeVar

from textual import events
from textual._context import active_app
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from salessprint.tui import guards
from salessprint.tui.keys import hold_keys
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.footer import LeanFooter
from salessprint.tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from textual import getters

    from salessprint.tui.app import SalesSprintApp

ResultT = TypeVar("ResultT")


def theme_colour(app: App[Any], name: str) -> str:
    """A colour of the current theme (for Rich text styles inside tables)."""
    return str(app.theme_variables.get(name) or app.theme_variables.get("foreground", ""))


class GuardedKeys(Screen[Any]):
    """Keys my role would be refused are disabled with the reason, or hidden (`tui.guards`)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return guards.guarded_state(self.app, self, action)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, with the reason a key is disabled in its tooltip ("… (managers only)")."""
        shown = super().active_bindings
        for key, active in shown.items():
            if not active.enabled and (active.node is self or active.node is self.app):
                reason = guards.refused_reason(self.app, active.node, guards.action_name(active.binding.action))
                if reason:
                    shown[key] = active._replace(tooltip=f"{active.tooltip or active.binding.description} ({reason})")
        return shown


class StylingState:
    """What the styles of a screen's nodes were computed from, outside the nodes:
    the stylesheet's parsed rules and the app's theme, classes and pseudo-classes.
    Textual restyles a whole screen on every resume; on its first resume the
    nodes were all styled as they mounted, and when this state is still the one
    they were styled with, restyling them gives the same styles again."""

    __slots__ = ("classes", "css_updates", "pseudo", "rules", "sheet")

    def __init__(self, app: App[Any]) -> None:
        sheet = app.stylesheet
        self.sheet = sheet
        self.rules = None if sheet._require_parse else sheet._rules
        """The parsed rules (a re-parse makes a new list; None: sources wait for a parse)."""
        self.css_updates = app._css_update_count
        """Bumped by Textual on every theme change."""
        self.classes = frozenset(app.classes)
        self.pseudo = frozenset(app.get_pseudo_classes())

    def still(self, app: App[Any]) -> bool:
        """True when the app is still styled by exactly this state."""
        sheet = app.stylesheet
        return (
            self.rules is not None
            and sheet is self.sheet
            and not sheet._require_parse
            and sheet._rules is self.rules
            and app._css_update_count == self.css_updates
            and frozenset(app.classes) == self.classes
            and frozenset(app.get_pseudo_classes()) == self.pseudo
        )


def _row_checked(name: str, method: Callable[..., object]) -> Callable[..., object]:
    """`method` (an action) run only when my role may do it to the selected row."""

    @wraps(method)
    def checked(self: BaseScreen, *params: object) -> object:
        return self.run_if_mine(name, partial(method, self, *params))

    checked.row_checked = True  # type: ignore[attr-defined]
    return checked


class AppScreen(GuardedKeys):
    """A screen of the salessprint app.

    A screen's first open is resumed once. Textual posts `ScreenResume` twice
    when a mode is first opened (`App._init_mode`, then `switch_mode`): the
    screen reloaded its data and restyled all its nodes twice. Here a resume
    that finds the screen already resumed (no `ScreenSuspend` since) is
    dropped, and the first resume skips Textual's whole-screen restyle when
    the nodes were styled as they mounted by the stylesheet and theme still
    current (`StylingState`). Every later resume (back from a dialog or
    another mode) restyles as Textual does."""

    if TYPE_CHECKING:  # `self.app` is the salessprint app
        app = getters.app(SalesSprintApp)

    _on_top = False
    """A `ScreenResume` was handled and no `ScreenSuspend` since."""
    _styled_with: StylingState | None = None
    """What the nodes are styled by, until the first resume (None: unknown, or resumed)."""
    resumes = 0
    """`ScreenResume`s handled (the repeats dropped are not counted)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        app = active_app.get(None)
        # Built as its mode opens or just before it is pushed: Textual styles
        # the screen with the stylesheet of now, and its children as they mount.
        self._styled_with = StylingState(app) if app is not None else None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.ScreenResume):
            if self._on_top:
                return  # Textual's second post for the same open: the first did the work
            self._on_top = True
            self.resumes += 1
            styled, self._styled_with = self._styled_with, None
            if styled is not None and event.refresh_styles and styled.still(self.app):
                event.refresh_styles = False  # styled as it mounted, by what is still current
        elif isinstance(event, events.ScreenSuspend):
            self._on_top = False
            self._styled_with = None
        await super().on_event(event)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Actions whose rule depends on the row (a rep's own deal) check it before they run.
        for binding in guards.declared_bindings(cls):
            guard = guards.guard_of(binding.id or "")
            name = guards.action_name(binding.action)
            method = getattr(cls, f"action_{name}", None)
            if guard is not None and guard.verb and method is not None and not hasattr(method, "row_checked"):
                setattr(cls, f"action_{name}", _row_checked(name, method))

    def selected_owner(self) -> guards.Owned | None:
        """Whose the selected row is (screens with row actions say); None: nothing selected."""
        return None

    def run_if_mine(self, action: str, run: Callable[[], object]) -> object:
        """Run `run` (the action) unless my role may not do it to the selected row:
        then say who may, and nothing opens. Collaborators not known here are read first."""
        guard = guards.guard_for(type(self), action)
        mine = guards.my_role(self.app)
        row = self.selected_owner()
        if guard is None or mine is None or row is None:
            return run()
        role, login = mine
        refusal = guards.row_refusal(role, login, guard, row)
        if refusal is not None and row.collaborators is None and row.deal_id is not None:
            # Refused unless I collaborate on it: the screen's row does not say, the deal does.
            from salessprint.services.deals import get_deal

            def read(deal: Any) -> None:
                known = guards.Owned(row.kind, row.owner, row.owner_name, tuple(deal.collaborators), row.deal_id)
                # Run later, as the key would have: the action may be a coroutine.
                self._refuse_or_run(guards.row_refusal(role, login, guard, known), partial(self.call_later, run))

            hold_keys(self.app, call_service(self.app, get_deal, row.deal_id, done=read))
            return None
        return self._refuse_or_run(refusal, run)

    def _refuse_or_run(self, refusal: str | None, run: Callable[[], object]) -> object:
        if refusal is None:
            return run()
        self.notify(refusal, title="Not yours", severity="warning", markup=False)
        return None


class BaseScreen(AppScreen):
    """A mode screen: header on top, footer with its keys below."""

    TITLE_TEXT = ""

    def compose_header(self) -> ComposeResult:
        yield StatusHeader(id="status")

    def compose_footer(self) -> ComposeResult:
        yield LeanFooter()

    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name, id, classes)
        self._resumed = asyncio.Event()
        """Set while the screen is on top and has asked for its data."""
        self._loading: list[Worker[Any]] = []
        """The workers the last resume started (its data loading)."""

    _resume_done = -1
    """The resume (`resumes`) whose work `on_screen_resume` has done."""

    def on_screen_resume(self) -> None:
        # Textual calls each class's handler in turn, so a subclass's handler
        # that calls this one through super() would run it twice per resume.
        if self._resume_done == self.resumes:
            return
        self._resume_done = self.resumes
        self.context_changed()
        before = set(self.app.workers)
        self.reload()
        self._loading = [w for w in self.app.workers if w not in before]
        self._resumed.set()

    def on_screen_suspend(self) -> None:
        self._resumed.clear()

    async def until_ready(self) -> None:
        """Wait until the screen is on top and the data its resume asked for has come
        (the palette runs an action on a screen it switched to once this returns)."""
        await self._resumed.wait()
        for worker in self._loading:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await worker.wait()

    def context_changed(self) -> None:
        app = self.app
        header = self.query_one(StatusHeader)
        header.team, header.sprint, header.me = app.team, app.sprint, app.me
        header.today = app.today
        header.screen_title = self.TITLE_TEXT
        self.refresh_bindings()  # my role decides which keys are offered

    def reload(self) -> None:
        """Fetch this screen's data (in a worker). Screens override."""


class BaseModal(ModalScreen[ResultT], GuardedKeys):  # ModalScreen first: Textual inherits CSS from the first base
    """A dialog of the salessprint app, dismissed with a `ResultT` (or None)."""

    if TYPE_CHECKING:  # `self.app` is the salessprint app (tests host dialogs in apps of their own)
        app = getters.app(SalesSprintApp)
