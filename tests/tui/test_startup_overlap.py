"""The work after start-up keeps out of the first keys' way: the collector stays
off while the preload's thread imports every screen (it comes back on once the
preload has frozen what it imported), and the full collections CPython would
run in the middle of a first open run while the app is idle instead."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from textual.worker import WorkerState

from salessprint.tui import app as app_module
from salessprint.tui import css_preload
from tests.tui.harness import async_test, make_app, settle, until


@pytest.fixture
def paused_collector() -> Iterator[None]:
    """The collector as `open_tui` leaves it for the app: paused (the app then manages it)."""
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


@async_test
async def test_the_collector_stays_off_while_the_preload_imports(
    demo_store: Any, paused_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started before the preload (a slow machine, a large store: the board
    loads for seconds), the settle timer switched the collector on while the
    preload's thread imported every UI module: each collection then walked
    those modules' objects on that thread, holding the GIL, as the first keys came."""
    seen: list[tuple[str, bool, str]] = []
    imports = css_preload.import_ui_modules

    def watched(extra: Any = ()) -> list[str]:
        seen.append(("start", gc.isenabled(), threading.current_thread().name))
        names = imports(extra)
        seen.append(("end", gc.isenabled(), threading.current_thread().name))
        return names

    monkeypatch.setattr(css_preload, "import_ui_modules", watched)
    monkeypatch.setattr(app_module, "GC_SETTLE_SECONDS", 0.001)  # the timer is due before the preload starts
    app = make_app(demo_store, "maria")
    assert app.manages_gc
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
        assert [(when, on) for when, on, _thread in seen] == [("start", False), ("end", False)]
        assert all(thread != threading.main_thread().name for _when, _on, thread in seen)
        assert gc.isenabled(), "the collector stayed off after the preload"
        assert gc.get_freeze_count() > 0, "what the preload imported was not frozen"


@async_test
async def test_a_full_collection_that_is_due_runs_while_the_app_is_idle(
    demo_store: Any, paused_collector: None
) -> None:
    """CPython runs a full collection after 10 young ones, in whatever allocates
    then: a first open (30-150 ms walking every screen opened so far). Once one
    is near, the app runs it itself on the UI thread while no worker runs."""
    app = make_app(demo_store, "maria")
    full: list[tuple[str, list[str]]] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            busy = [w.name for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
            full.append((threading.current_thread().name, busy))

    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded and gc.isenabled(), what="the collector is back on")
        await settle(pilot)
        gc.callbacks.append(on_gc)
        try:
            kept = []
            while gc.get_count()[2] < app_module.IDLE_COLLECT_AFTER:  # young collections, as an open makes
                kept.append([[] for _ in range(100)])
            assert not full, "CPython's own full collection ran already"
            await until(pilot, lambda: full, what="a full collection while idle")
        finally:
            gc.callbacks.remove(on_gc)
        assert full[0] == (threading.main_thread().name, [])
        assert gc.get_count()[2] < app_module.IDLE_COLLECT_AFTER
