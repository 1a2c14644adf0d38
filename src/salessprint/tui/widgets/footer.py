"""The footer of every screen, rebuilt only when the keys it shows change.

Textual's `Footer` recomposes (unmounts and mounts a widget per key, each
styled anew) whenever the screen's bindings may have changed, which is on
every focus change: moving a card to the next column, or opening a screen
(tens of milliseconds of the UI thread each time, for an identical row of keys).
It also schedules one rebuild per change: a screen opening (its first focus,
then the focus its data gives) queued two or three, each of twenty keys.
Here a change schedules at most one rebuild, which reads the keys when it
runs and is skipped when they are those already shown. And each key starts
with the footer's `compact` (Textual's keys start compact and are then bound
to the footer's, which restyles every key twice as it mounts).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class LeanFooter(Footer):
    """A `Footer` that rebuilds at most once per batch of binding changes, and
    not at all when the shown keys are the same."""

    _shown: tuple[Any, ...] | None = None
    """What the keys looked like at the last rebuild (None: rebuild next time)."""
    _pending = False
    """A rebuild is scheduled (after the next refresh): further changes wait for it."""
    rebuilds = 0
    """How many times the keys were built (for the tests: one per screen open)."""

    def _signature(self) -> tuple[Any, ...]:
        return tuple(
            (key, b.key, b.description, b.action, enabled, tooltip, b.group)
            for key, (_node, b, enabled, tooltip) in self.screen.active_bindings.items()
            if b.show
        )

    def compose(self) -> ComposeResult:
        children = list(super().compose())
        for child in children:
            for key in (child, *child._pending_children):
                self._start_as_footer(key)
        self._shown = self._signature() if children else None
        if children:
            self.rebuilds += 1
        yield from children

    def _start_as_footer(self, widget: Widget) -> None:
        if isinstance(widget, FooterKey):
            widget.set_reactive(FooterKey.compact, self.compact)
            widget.set_class(self.compact, "-compact", update=False)  # what its watcher would have done

    def bindings_changed(self, screen: Screen[Any]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen or self._pending:
            return
        if self._shown is not None and self._signature() == self._shown:
            return
        self._pending = True
        self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if self.is_attached and (self._shown is None or self._signature() != self._shown):
            await self.recompose()
