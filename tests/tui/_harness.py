"""Helpers for the TUI tests of the backlog, planning and board screens:
start the app on a store, wait until its workers settle, read the screen."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Awaitable, Callable
from html import unescape
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerState

from salessprint.tui.app import SalesSprintApp


def make_app(store: Any, login: str, theme: str = "salessprint-dark") -> SalesSprintApp:
    return SalesSprintApp(store=store, login=login, theme_name=theme)


async def settle(pilot: Pilot[Any], quiet_rounds: int = 3, max_rounds: int = 200) -> None:
    """Wait until no worker has run for a few rounds: answers may start more work
    (the context answer switches screens, whose resume loads their data)."""
    app = pilot.app
    quiet = 0
    for _ in range(max_rounds):
        await pilot.pause(0.01)
        busy = app.team is None or any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)
        if busy:
            quiet = 0
            await app.workers.wait_for_complete()
        else:
            quiet += 1
            if quiet >= quiet_rounds:
                return


def screen_lines(app: Any) -> list[str]:
    """What the terminal shows, line by line (read from the SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, content in re.findall(r'<text [^>]*?y="([0-9.]+)"[^>]*>(.*?)</text>', svg, flags=re.S):
        rows.setdefault(float(y), []).append(unescape(content).replace("\xa0", " "))
    return ["".join(parts) for _y, parts in sorted(rows.items())]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


def async_test(fn: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async test body in its own event loop (fixtures pass through)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper
