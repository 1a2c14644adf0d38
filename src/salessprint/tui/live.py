"""Live refresh: a background thread that tells the app when the store changed.

`LiveStoreApp` is the part of the app that deals with the shared store: it
starts the watcher once the store is open (`start_live`), reloads the screen on top when the store
changed, shows when the database is offline and back, and binds the history
panel (`H`) and undo (`ctrl+z`). `SalesSprintApp` inherits it.

A daemon thread waits on the change feed (`services.changes.change_feed`:
PostgreSQL LISTEN/NOTIFY, or a one-second poll of the newest change id on
SQLite) and posts `StoreChanged` to the app. When the server goes away it
posts `StoreOffline`, retries with a growing pause (0.5 s up to 5 s), and on
reconnecting posts `StoreOnline` followed by a `StoreChanged`, because
changes made meanwhile were not announced to us.

A link that stalls rather than closes is found by the feed's heartbeat
(PostgreSQL: a `SELECT 1` after each wait, answered within the store's
`link.heartbeat`), so Offline shows within a few seconds. While offline,
`store.offline` is set, and the services refuse every write at once with a
message instead of letting it hang on the dead link.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message

from salessprint.domain.errors import SalesSprintError, StoreUnavailable
from salessprint.tui.service_calls import call_service

if TYPE_CHECKING:
    from salessprint.store.db import Store

WAIT_SECONDS = 1.0
"""How long one wait on the feed lasts; also the SQLite poll interval."""
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0


@dataclass
class StoreChanged(Message):
    """Someone (maybe me) committed a change; screens should reload."""

    change_id: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StoreChanged)


@dataclass
class StoreOffline(Message):
    """The database stopped answering; `reason` is a one-line explanation."""

    reason: str


class StoreOnline(Message):
    """The database answers again after being offline."""


class LiveRefresh:
    """The watcher thread of one app.

    A plain daemon thread rather than a Textual worker: it never finishes by
    itself, and `app.workers.wait_for_complete()` (which tests use to let
    screens settle) must not wait for it. It stops when the app unmounts.
    """

    def __init__(self, app: LiveStoreApp, wait_seconds: float = WAIT_SECONDS) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watch_store, args=(app, self.stop, wait_seconds), name="salessprint-live", daemon=True
        )

    def start(self) -> LiveRefresh:
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()


def start_live_refresh(app: LiveStoreApp, wait_seconds: float = WAIT_SECONDS) -> LiveRefresh:
    """Start watching the store for `app`; call `close()` on the result to stop."""
    return LiveRefresh(app, wait_seconds).start()


def watch_store(app: LiveStoreApp, stop: threading.Event, wait_seconds: float = WAIT_SECONDS) -> None:
    from salessprint.services.changes import change_feed

    store = app.store
    if store is None:
        raise RuntimeError("the live refresh starts once the store is open")
    feed = change_feed(store, app.login, poll_seconds=wait_seconds, stop=stop)
    online = True
    backoff = BACKOFF_FIRST
    try:
        while not stop.is_set() and app.is_running:
            try:
                if not feed.connected:
                    feed.connect()
                    backoff = BACKOFF_FIRST
                    if not online:
                        online = True
                        store.offline = None
                        app.post_message(StoreOnline())
                        app.post_message(StoreChanged(feed.last_seen))
                newest = feed.wait(wait_seconds)
                if newest is not None and not stop.is_set():
                    app.post_message(StoreChanged(newest))
            except StoreUnavailable as exc:
                feed.close()
                if online and not stop.is_set():
                    online = False
                    store.offline = exc.message  # set here, not on the UI thread: a write pressed now is refused
                    app.post_message(StoreOffline(exc.message))
                stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
            except SalesSprintError as exc:
                # E.g. my membership was removed: nothing to watch any more.
                app.post_message(StoreOffline(exc.message))
                return
    except Exception as exc:
        app.log.error(f"live refresh stopped: {exc!r}")
    finally:
        feed.close()


class LiveStoreApp(App[None]):
    """Shared-store behaviour of the app: live refresh, offline notice, history, undo.

    The app sets `store` (once open) and `login`, and overrides `refresh_context()`.
    """

    store: Store | None
    """The opened store; None until start-up has opened it."""
    login: str
    """Who I am."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("H", "history", "History", id="app.history", tooltip="Who changed what, newest first"),
        Binding(
            "ctrl+z", "undo", "Undo", id="app.undo", tooltip="Undo my last change, if nobody changed that row since"
        ),
    ]

    store_online: bool = True
    """False while the database does not answer (the watcher keeps retrying)."""

    _live: LiveRefresh | None = None

    def refresh_context(self) -> None:
        """Reload what the header shows (the app overrides this)."""

    def start_live(self) -> None:
        """Start watching; the app calls this once its store is open."""
        if self._live is None:
            self._live = start_live_refresh(self)

    def on_unmount(self) -> None:
        if self._live is not None:
            self._live.close()

    def on_store_changed(self, message: StoreChanged) -> None:
        # Only the screen on top: a screen underneath reloads when it resumes,
        # and a half-filled form is never reloaded under the user's fingers.
        if not self.is_running:
            return  # shutting down (App._shutdown clears it first): the screens are being taken apart
        self.refresh_context()
        if hasattr(self.screen, "reload"):
            self.screen.reload()

    def on_store_offline(self, message: StoreOffline) -> None:
        self.store_online = False
        self.sub_title = "OFFLINE"
        self.notify(f"{message.reason} Retrying…", title="Offline", severity="error", timeout=24 * 3600, markup=False)

    def on_store_online(self, message: StoreOnline) -> None:
        self.store_online = True
        self.sub_title = ""
        self.clear_notifications()
        self.notify("The database answers again; screens are up to date.", title="Back online", markup=False)

    def action_history(self) -> None:
        from salessprint.tui.modals.history import HistoryModal

        if not isinstance(self.screen, HistoryModal):
            self.push_screen(HistoryModal())

    def action_undo(self) -> None:
        from salessprint.services.undo import undo

        call_service(
            self, undo, done=lambda result: self.notify(result.message, title="Undone", markup=False), group="undo"
        )
