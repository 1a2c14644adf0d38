"""What every top-level screen and dialog shares: the typed app, the header, the footer,
loading data, and only the keys my role may use (see `tui.guards`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, TypeVar

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


def _row_checked(name: str, method: Callable[..., object]) -> Callable[..., object]:
    """`method` (an action) run only when my role may do it to the selected row."""

    @wraps(method)
    def checked(self: BaseScreen, *params: object) -> object:
        return self.run_if_mine(name, partial(method, self, *params))

    checked.row_checked = True  # type: ignore[attr-defined]
    return checked


class AppScreen(GuardedKeys):
    """A screen of the salessprint app."""

    if TYPE_CHECKING:  # `self.app` is the salessprint app
        app = getters.app(SalesSprintApp)

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

    def on_screen_resume(self) -> None:
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
