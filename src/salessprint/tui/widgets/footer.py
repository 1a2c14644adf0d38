"""The footer of every screen, rebuilt only when the keys it shows change.

Textual's `Footer` recomposes (unmounts and mounts a widget per key, each
styled anew) whenever the screen's bindings may have changed, which is on
every focus change: moving a card to the next column, or opening a screen
(tens of milliseconds of the UI thread each time, for an identical row of keys).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class LeanFooter(Footer):
    """A `Footer` that skips a rebuild when the shown keys are the same."""

    _shown: tuple[Any, ...] | None = None
    """What the keys looked like at the last rebuild (None: rebuild next time)."""

    def _signature(self) -> tuple[Any, ...]:
        return tuple(
            (key, b.key, b.description, b.action, enabled, tooltip, b.group)
            for key, (_node, b, enabled, tooltip) in self.screen.active_bindings.items()
            if b.show
        )

    def compose(self) -> ComposeResult:
        children = list(super().compose())
        self._shown = self._signature() if children else None
        yield from children

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._shown is not None and screen is self.screen and self._signature() == self._shown:
            return
        super().bindings_changed(screen)
