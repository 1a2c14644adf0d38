"""Helpers for the live-refresh and offline TUI tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task
from tests.team_helpers import make_team


def sprint_team(url: str) -> Any:
    """The small team with an active sprint of three of rita's tasks."""
    store = make_team(url)
    plan_sprint(store, "max", goal="Close Q4")
    for title in ("Call Acme", "Email Globex", "Demo for Initech"):
        add_item(store, "max", "task", add_task(store, "max", title=title, assignee="rita", points="2").id)
    start_sprint(store, "max")
    return store


async def wait_until(pilot: Any, check: Callable[[], bool], timeout: float = 10.0) -> float:
    """Let the app run until `check()` holds; the seconds it took (fails on timeout)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true after {timeout} s")
        await pilot.pause(0.05)
    return time.monotonic() - start


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def toasts(app: Any) -> list[str]:
    """The text of the notifications shown on the screen (Toast widgets, by CSS type)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]
