"""Key delivery: every key the user types reaches, in order, the place it was meant for.

Textual routes a key when the app takes it from its queue: to the widget
focused at that moment (`App.on_event`). What the key does (its binding)
happens later, when it has bubbled back up to the app. A burst of keys is
therefore routed all at once, to the widget focused before the first of them
had any effect:

- `l c` on Activity: the `c` goes to the activity table, not to the dialog
  the `l` opens (and a dialog still mounting has no focused widget, so its
  own keys are not found either): the call is never logged;
- `1 / T e s s`: the `/` goes to the screen being left;
- `/ k r a n` on the backlog: `focus()` takes effect a message later, so the
  letters go to the table, and its `n` opens New deal.

`KeyDeliveryApp` routes one key at a time. A key that finds the app quiet is
handled at once, exactly as Textual would; the next key waits, in a queue,
until the one before has done what it does:

1. it has been through every widget it bubbles through, and the app;
2. the screen on top is mounted, its focus set, and the messages that the key
   caused along that way are handled (a dialog pushed, a mode switched, a
   focus moved, an option chosen);
3. the work that decides where the next key goes has answered: a form saving
   (it closes on success, stays open on a refusal), a deal read before its
   form opens, the app opening its store. Whoever starts such work says so
   with `hold_keys_until(worker)`.

Nothing is dropped and nobody is slowed down: the waits end when the thing
waited for happens. Each wait has a generous limit, so a screen that never
settles, or a store that stops answering, cannot swallow the keyboard.

A key that arrives while the app closes (its screens gone already) goes nowhere.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from time import monotonic
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, ScreenStackError
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable

    from textual.dom import DOMNode
    from textual.message_pump import MessagePump
    from textual.screen import Screen

SETTLE_LIMIT = 10.0
"""Seconds, at most, that a key waits for the one before it to settle."""
HOLD_LIMIT = 30.0
"""Seconds, at most, that keys wait for work holding them (a store that stopped answering)."""
MAX_ROUNDS = 100
"""Rounds of draining the focus chain before a key goes on regardless (a widget that never goes quiet)."""

FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


def hold_keys(app: App[Any], work: Worker[Any]) -> Worker[Any]:
    """`app.hold_keys_until(work)` when the app delivers keys in order (tests host
    dialogs in small apps of their own, which do not); returns `work`."""
    if isinstance(app, KeyDeliveryApp):
        app.hold_keys_until(work)
    return work


def _has_pending(node: MessagePump) -> bool:
    """Messages wait in this node's queue.

    Textual has no public call for it; the queue is what `check_idle` reads too."""
    return not node._message_queue.empty()


async def _quietly(awaitable: Awaitable[Any]) -> None:
    """Await `awaitable`, whatever it ends with (a failed or cancelled worker holds nothing)."""
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await awaitable


def _resolve(mark: asyncio.Future[None]) -> None:
    if not mark.done():  # a mark whose wait was given up is cancelled already
        mark.set_result(None)


async def _first(*futures: asyncio.Future[Any]) -> None:
    """Return when the first of these is done."""
    await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)


class Patience:
    """How long a wait may last: `limit` seconds by the clock.

    By the clock, not the app's CPU time: a store that stopped answering costs
    no CPU, and a limit in CPU time would hold the keyboard until some far
    longer cap. On a machine so busy that a screen takes longer than the limit
    to open, a key may go on early (best effort, as Textual alone)."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.wall_start = monotonic()

    def left(self) -> float:
        """Seconds by the clock still to wait (0: the wait is over)."""
        return max(0.0, self.limit - (monotonic() - self.wall_start))

    def spent(self) -> bool:
        return self.left() <= 0


class KeyDeliveryApp(App[None]):
    """The app's part that delivers keys in order (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key_queue: deque[events.Key] = deque()
        """Keys typed, waiting for the key before them to settle."""
        self._key_delivery: Worker[None] | None = None
        """The worker draining `_key_queue` (running while a key settles or keys wait)."""
        self._key_target: DOMNode | None = None
        """Where Textual sent the key being delivered (the focused widget, else the screen)."""
        self._key_event: events.Key | None = None
        """The key being delivered."""
        self._releasing: tuple[events.Key, asyncio.Future[None]] | None = None
        """The queued key now handed back to Textual, and what says it has been routed."""
        self._key_holds: list[Worker[Any] | asyncio.Future[Any]] = []
        """Work the next key waits for (see `hold_keys_until`)."""

    # --- what screens and dialogs call ---------------------------------------------
    def hold_keys_until(self, work: Worker[Any] | asyncio.Future[Any]) -> None:
        """Keys typed from now on wait until `work` is done (and what its answer
        opened has settled): for work whose answer decides where the next key
        goes, such as a form's save (it closes on success) or the read that a
        form opens with."""
        self._key_holds.append(work)

    # --- Textual's entry point ------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            if isinstance(event, events.Key) and self._top() is None:
                return  # a key on its way back up as the app closes: no screen has bindings any more
            await super().on_event(event)
            return
        if self._releasing is not None and event is self._releasing[0]:
            routed = self._releasing[1]
            self._releasing = None
            try:
                await self._route(event)
            finally:
                _resolve(routed)
            return
        if self._key_delivery is None and not self._key_queue and self._quiet_now():
            # Nothing in flight: handled at once, then settled before the next key.
            await self._route(event)
            self._deliver()
            return
        self._key_queue.append(event)
        self._deliver()

    async def _route(self, event: events.Key) -> None:
        """Textual's own key handling (priority bindings, then the focused widget), noting where the key went."""
        screen = self._top()
        if screen is None:
            return  # the app is closing: its screens are gone, and the key with them
        self._key_target, self._key_event = self.focused or screen, event
        await super().on_event(event)

    def _top(self) -> Screen[Any] | None:
        """The screen on top; None once the app has closed its screens (it may take
        messages a while longer: `run_test` closes them while the app still runs)."""
        try:
            return self.screen
        except ScreenStackError:
            return None

    def _quiet_now(self) -> bool:
        """Nothing holds keys and the screen on top is mounted."""
        screen = self._top()
        return not self._live_holds() and (screen is None or screen.is_mounted)

    def _live_holds(self) -> list[Worker[Any] | asyncio.Future[Any]]:
        self._key_holds = [
            work
            for work in self._key_holds
            if not (work.state in FINISHED if isinstance(work, Worker) else work.done())
        ]
        return self._key_holds

    # --- delivery -------------------------------------------------------------------
    def _deliver(self) -> None:
        if self._key_delivery is None:
            self._key_delivery = self.run_worker(
                self._deliver_keys, name="key delivery", group="key-delivery", exit_on_error=False
            )

    async def _deliver_keys(self) -> None:
        """Settle the key just handled, then hand the waiting keys to Textual one by one."""
        try:
            await self._settle()
            while self._key_queue:
                event = self._key_queue.popleft()
                routed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._releasing = (event, routed)
                self._key_target = self._key_event = None
                if not self.post_message(event):
                    return  # the app is closing
                await self._wait(routed, Patience(SETTLE_LIMIT))
                await self._settle()
        finally:
            self._key_delivery = None

    async def _settle(self) -> None:
        """Wait until the key last routed has done what it does (steps 1-3 of the module docstring)."""
        patience = Patience(SETTLE_LIMIT)
        target, event = self._key_target, self._key_event
        self._key_target = self._key_event = None
        if target is not None and event is not None:
            # The key's own way up: each node has passed it on (or stopped it) before its parent is asked.
            for node in target.ancestors_with_self:
                await self._drain([node], patience)
                if event._stop_propagation:  # handled there (Textual has no public flag for it)
                    break
        # What its handlers left for the app: a focus move, a screen to switch to.
        await self._drain([self], patience)
        holding = Patience(HOLD_LIMIT)
        for _round in range(MAX_ROUNDS):
            screen = self._top()
            if screen is None:
                return  # the app is closing
            focused = self.focused
            if not screen.is_mounted:
                await self._wait(screen._mounted_event.wait(), patience)
                await self._drain([screen, self], patience)  # its resume and the focus its mount asked for
                continue
            holds = self._live_holds()
            if holds:
                await self._wait(self._all_done(holds), holding)
                patience = Patience(SETTLE_LIMIT)  # what the answer opened settles from now
                await self._drain([self], patience)
                continue
            # Messages the key caused on the way to the focused widget (an option chosen,
            # a value changed): handled before the next key, which they may send elsewhere.
            chain: list[MessagePump] = list(focused.ancestors_with_self) if focused else [screen, self]
            busy = [node for node in chain if _has_pending(node)]
            if not busy and self._top() is screen and self.focused is focused:
                return
            if patience.spent():
                return
            await self._drain(busy or [self], patience)

    async def _drain(self, nodes: Iterable[MessagePump], patience: Patience) -> None:
        """Wait until each node has handled what was in its queue when asked (or has closed)."""
        loop = asyncio.get_running_loop()
        waits: list[asyncio.Future[Any]] = []
        for node in nodes:
            mark: asyncio.Future[None] = loop.create_future()
            if not node.call_later(_resolve, mark):
                continue  # closed: nothing more will happen there
            # A node removed meanwhile never reaches the mark: its message loop ending is as good.
            loop_task = node._task
            waits.append(mark if loop_task is None else asyncio.ensure_future(_first(mark, loop_task)))
        if waits:
            await self._wait(asyncio.gather(*waits), patience)

    @staticmethod
    async def _all_done(holds: list[Worker[Any] | asyncio.Future[Any]]) -> None:
        for work in holds:
            await _quietly(work.wait() if isinstance(work, Worker) else asyncio.shield(work))

    async def _wait(self, awaitable: Awaitable[Any], patience: Patience) -> None:
        """Await it while patience lasts; past it, the key goes on (best effort, as Textual alone)."""
        task = asyncio.ensure_future(_quietly(awaitable))
        try:
            while not task.done() and (left := patience.left()) > 0:
                await asyncio.wait([task], timeout=left)
        finally:
            if not task.done():
                task.cancel()
                self.log.warning(f"key delivery: gave up waiting for {awaitable!r}; the next key goes on")
