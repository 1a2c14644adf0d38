"""Command palette: every action of the app, from any screen.

Titles read "Screen: action" (e.g. "Board: move card right"), so the palette
is a searchable list of everything the app can do without a mouse. The
current screen's actions come first (its live bindings: a focused widget's
cursor keys aside), then every other screen's in `SCREENS` (its class's
BINDINGS, the module imported off the UI thread the first time). Choosing
another screen's action switches to that screen, waits until it is ready
(mounted, its data in), then runs the action there; keys typed meanwhile wait
for it. Actions my role would be refused (`tui.guards`) are left out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from salessprint.tui import guards
from salessprint.tui.keys import hold_keys

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen


class Command(NamedTuple):
    """One palette entry (and one line of the `?` keys list)."""

    title: str
    """ "Board: move card right"."""
    help: str
    binding: Binding
    node: DOMNode | None
    """Where the action runs, when it is on the screen shown now (None: on `mode`'s screen)."""
    enabled: bool = True
    reason: str = ""
    """Why it is disabled for me ("managers only"), shown in the keys list."""
    mode: str = ""
    """The screen (mode) to switch to first."""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _listed(binding: Binding) -> bool:
    # Ours all carry an id; Textual's built-in focus and copy keys have none.
    return bool(binding.id and binding.description and binding.action != "command_palette")


def screen_commands(screen: Screen[object]) -> Iterator[Command]:
    """The actions reachable on `screen` now, disabled ones included (with the reason)."""
    app = screen.app
    label = getattr(screen, "TITLE_TEXT", "") or "App"
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node is not screen and active.node is not app:
            continue  # a focused widget's own keys (cursor moves) are not actions
        if not _listed(binding) or binding.action in seen:
            continue
        seen.add(binding.action)
        if active.node is app:
            title = f"App: {_lower_first(binding.tooltip or binding.description)}"
        else:
            title = f"{label}: {_lower_first(binding.description)}"
        reason = "" if active.enabled else guards.refused_reason(app, active.node, guards.action_name(binding.action))
        yield Command(title, binding.tooltip or binding.description, binding, active.node, active.enabled, reason or "")
    # The screen's keys a focused widget shadows (its Enter) are the screen's actions all the same.
    for binding in guards.declared_bindings(type(screen)):
        if _listed(binding) and binding.action not in seen:
            seen.add(binding.action)
            name = guards.action_name(binding.action)
            state = screen.check_action(name, ())
            if state is not False:
                reason = "" if state else guards.refused_reason(app, screen, name) or ""
                title = f"{label}: {_lower_first(binding.description)}"
                yield Command(title, binding.tooltip or binding.description, binding, screen, bool(state), reason)


def other_screens_commands(app: App[Any], current: type[object]) -> Iterator[Command]:
    """Every other screen's actions in SCREENS (their classes loaded), but those my role may not use."""
    from salessprint.tui.app import SCREENS

    mine = guards.my_role(app)
    for mode, _key, title, lazy in SCREENS:
        screen_class = lazy.load()
        if screen_class is current:
            continue
        seen: set[str] = set()
        for binding in guards.declared_bindings(screen_class):
            if not _listed(binding) or binding.action in seen:
                continue
            seen.add(binding.action)
            guard = guards.guard_of(binding.id or "")
            if guard is None or (mine is not None and guards.role_refusal(mine[0], guard) is not None):
                continue
            tip = binding.tooltip or binding.description
            yield Command(f"{title}: {_lower_first(binding.description)}", tip, binding, None, mode=mode)


def run_binding(screen: Screen[object], binding: Binding) -> Callable[[], object]:
    """Run a binding's action in the namespace of the node that declared it."""
    for active in screen.active_bindings.values():
        if active.binding is binding:
            return partial(screen.app.run_action, binding.action, active.node)
    return partial(screen.app.run_action, binding.action, screen)


async def _switch_and_run(app: App[Any], mode: str, action: str) -> None:
    if app.current_mode == mode:
        while len(app.screen_stack) > 1:  # a deal room over this mode's screen: back to the screen
            await app.pop_screen()
    await app.switch_mode(mode)
    screen = app.screen
    until_ready = getattr(screen, "until_ready", None)
    if until_ready is not None:
        await until_ready()
    await app.run_action(action, screen)


def switch_and_run(app: App[Any], mode: str, action: str) -> None:
    """Open `mode`'s screen, then run `action` there once it is ready (keys typed meanwhile wait)."""
    hold_keys(app, app.run_worker(_switch_and_run(app, mode, action), group="palette", exit_on_error=False))


def command_callback(screen: Screen[object], command: Command) -> Callable[[], object]:
    if command.node is None:
        return partial(switch_and_run, screen.app, command.mode, command.binding.action)
    return run_binding(screen, command.binding)


class ScreenActions(Provider):
    """Every screen's actions (the current one's first, and the app's) as palette commands."""

    async def startup(self) -> None:
        from salessprint.tui.app import SCREENS

        # Importing a screen's module the first time costs a little: not on the UI thread.
        await asyncio.to_thread(lambda: [lazy.load() for *_rest, lazy in SCREENS])

    def _commands(self) -> list[Command]:
        here = [c for c in screen_commands(self.screen) if c.enabled]
        return here + list(other_screens_commands(self.app, type(self.screen)))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command_callback(self.screen, command), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command_callback(self.screen, command),
                    text=command.title,
                    help=command.help,
                )
