"""Command palette: every key binding of the current screen, as a command.

Titles read "Screen: action" (e.g. "Board: move card right"), so the palette
is a searchable list of everything the screen can do without a mouse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def screen_commands(screen: Screen[object]) -> Iterator[tuple[str, str, Binding]]:
    """(title, help, binding) for each distinct action reachable on `screen`."""
    app = screen.app
    label = getattr(screen, "TITLE_TEXT", "") or "App"
    seen: set[str] = set()
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node is not screen and active.node is not app:
            continue  # a focused widget's own keys (cursor moves) are not actions
        # Ours all carry an id; Textual's built-in focus and copy keys have none.
        if not binding.id or not binding.description or binding.action in seen or binding.action == "command_palette":
            continue
        seen.add(binding.action)
        if active.node is app:
            title = f"App: {_lower_first(binding.tooltip or binding.description)}"
        else:
            title = f"{label}: {_lower_first(binding.description)}"
        yield title, binding.tooltip or binding.description, binding


def run_binding(screen: Screen[object], binding: Binding) -> Callable[[], object]:
    """Run a binding's action in the namespace of the node that declared it."""
    for active in screen.active_bindings.values():
        if active.binding is binding:
            return partial(screen.app.run_action, binding.action, active.node)
    return partial(screen.app.run_action, binding.action, screen)


class ScreenActions(Provider):
    """The current screen's actions (and the app's) as palette commands."""

    def _commands(self) -> list[tuple[str, str, Binding]]:
        return list(screen_commands(self.screen))

    async def discover(self) -> Hits:
        for title, help_text, binding in self._commands():
            yield DiscoveryHit(title, run_binding(self.screen, binding), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, binding in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), run_binding(self.screen, binding), text=title, help=help_text
                )
