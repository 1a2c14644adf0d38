"""Helpers for Pilot tests: settle workers, read the screen as text, run an app."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from salessprint.tui.app import SalesSprintApp

HOSTILE = ("[bold]x[/bold]", "[/]", "[link=x]y")


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their callbacks (which may start more) run."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: SalesSprintApp) -> str:
    """What the terminal shows, line by line, as plain text (from the SVG screenshot)."""
    lines: dict[int, list[str]] = {}
    pattern = r'<text [^>]*clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>'
    for line, content in re.findall(pattern, app.export_screenshot()):
        lines.setdefault(int(line), []).append(html.unescape(content).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(lines.items()))


def run_on(
    store: Any,
    login: str,
    mode_key: str,
    size: tuple[int, int],
    scenario: Callable[[Pilot[Any], SalesSprintApp], Awaitable[None]],
) -> None:
    """Open the app as `login`, switch to a screen by its number key, run `scenario`."""

    async def main() -> None:
        app = SalesSprintApp(store, login)
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press(mode_key)
            await settle(pilot)
            await scenario(pilot, app)

    asyncio.run(main())
