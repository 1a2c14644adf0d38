"""The TUI tests' harness: start the app on a store, wait on what it is doing
(its workers, or a condition with a deadline; never a fixed time), and read
the screen as text. Fixtures built on it are in `tests/tui/conftest.py`.

A busy machine (two cores shared by parallel test runs) stretches every wait,
so the waits here end when the thing waited for happens and fail with a
message after a generous deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from html import unescape
from typing import Any

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.worker import Worker, WorkerState

from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task
from salessprint.tui.app import SalesSprintApp
from tests.templates import team_copy

SETTLE_TIMEOUT = 60.0
"""Seconds `settle` waits for the app to go quiet before it fails."""
UNTIL_TIMEOUT = 20.0
"""Seconds `until` waits for its condition by default."""
POLL_SECONDS = 0.02
"""How often `until` looks again (the app runs in between)."""
QUIET_ROUNDS = 3
"""Rounds with nothing running before `settle` calls the app quiet (an answer
may open a screen whose resume starts the next worker a round later)."""

HOSTILE = ("[bold]x[/bold]", "[/]", "[link=x]y")
"""Titles that look like Rich markup: they must show verbatim."""

ACTIVE = (WorkerState.PENDING, WorkerState.RUNNING)


def make_app(store: Any, login: str, theme: str = "salessprint-dark") -> SalesSprintApp:
    app = SalesSprintApp(store=store, login=login, theme_name=theme)
    # Every toast is recorded for `notified`: on a loaded machine three quick
    # calls can take longer than the 5 s a toast shows for.
    said: list[str] = []
    show = app.notify

    def notify(message: Any, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        show(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    app._said = said  # type: ignore[attr-defined]
    return app


def async_test(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test body in its own event loop (fixtures pass through)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper


def _started(app: App[Any]) -> bool:
    """The app has opened its store and knows who I am (apps other than ours: at once)."""
    return not isinstance(app, SalesSprintApp) or app.team is not None


def _active_workers(app: App[Any]) -> list[Worker[Any]]:
    return [w for w in app.workers if w.state in ACTIVE]


async def _finished(workers: list[Worker[Any]], timeout: float) -> None:
    """Wait until the running ones of these workers are done, however they end:
    one cancelled because a newer one replaced it in its exclusive group is done
    too (its `wait()` raises WorkerCancelled, which is not the test's business)."""
    running = [w for w in workers if w.state is WorkerState.RUNNING]
    if not running:
        await asyncio.sleep(POLL_SECONDS)  # not started yet (or the app is still starting)
        return
    waits = asyncio.gather(*(w.wait() for w in running), return_exceptions=True)
    with contextlib.suppress(TimeoutError):  # the caller's deadline reports it
        await asyncio.wait_for(waits, timeout=timeout)


def _tables_pending(app: App[Any]) -> bool:
    """A DataTable sizes its columns to new rows on its next idle: until then a
    screenshot shows header-wide columns ("Sonn  Sonnenh")."""
    from textual.widgets import DataTable

    return any(t._require_update_dimensions or t._updated_cells for t in app.screen.query(DataTable))


async def settle(pilot: Pilot[Any], timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until the app has nothing left to do: started, no worker pending or
    running, and the answers handled, for a few rounds in a row (an answer may
    start more work: the context answer opens a screen, whose resume loads)."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < QUIET_ROUNDS:
        left = deadline - time.monotonic()
        busy = _active_workers(app)
        if left <= 0:
            raise AssertionError(f"the app was still busy after {timeout} s: {busy}, started={_started(app)}")
        await pilot.pause()
        busy = _active_workers(app)
        if busy or not _started(app):
            quiet = 0
            await _finished(busy, left)
        elif _tables_pending(app):
            quiet = 0
        else:
            quiet += 1


async def until(
    pilot: Pilot[Any], check: Callable[[], object], timeout: float = UNTIL_TIMEOUT, what: str = ""
) -> float:
    """Let the app run until `check()` holds; the seconds it took. Fails after `timeout`."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true after {timeout} s: {what or check}")
        await pilot.pause(POLL_SECONDS)
    return time.monotonic() - start


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


def type_fast(app: App[Any], *keys: str) -> None:
    """Send these keys to the app all at once, as a terminal does when they are typed
    faster than the app answers (Pilot's `press` waits for the app between keys).
    A key is a character ('T', '/', ' ') or a key name ('ctrl+s', 'tab', 'enter');
    `type_fast(app, "l", "c", *"Tess")`."""
    for key in keys:
        if len(key) == 1:
            name = key if key.isalnum() else _character_to_key(key)
            app.post_message(events.Key(name, key))
        else:
            app.post_message(events.Key(key, None))


def screen_lines(app: App[Any]) -> list[str]:
    """What the terminal shows, line by line (read from the SVG screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, content in re.findall(r'<text [^>]*?y="([0-9.]+)"[^>]*>(.*?)</text>', svg, flags=re.S):
        rows.setdefault(float(y), []).append(unescape(content).replace("\xa0", " "))
    return ["".join(parts) for _y, parts in sorted(rows.items())]


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(screen_lines(app))


async def toast_shown(pilot: Pilot[Any], text: str, timeout: float = UNTIL_TIMEOUT) -> None:
    """Wait until the screen shows `text` (a toast's). Await it right after the key
    that raises the toast: toasts time out after a few seconds, and settling a
    busy machine can take longer than that."""
    await until(pilot, lambda: text in screen_text(pilot.app), timeout, what=f"the screen shows {text!r}")


def toasts(app: App[Any]) -> list[str]:
    """The text of the notifications on the screen now (Toast widgets, by CSS type)."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def notified(app: App[Any]) -> list[str]:
    """The messages of the notifications shown: all of them for an app from
    `make_app` (timed out or not), else those not yet timed out."""
    said = getattr(app, "_said", None)
    return list(said) if said is not None else [str(n.message) for n in app._notifications]


def notified_titles(app: App[Any]) -> list[str]:
    """The titles of the notifications not yet timed out."""
    return [str(n.title) for n in app._notifications]


def sprint_team(url: str) -> Any:
    """The small team with an active sprint of three of rita's tasks."""
    store = team_copy(url)
    plan_sprint(store, "max", goal="Close Q4")
    for title in ("Call Acme", "Email Globex", "Demo for Initech"):
        add_item(store, "max", "task", add_task(store, "max", title=title, assignee="rita", points="2").id)
    start_sprint(store, "max")
    return store
