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
            kept: list[list[list[object]]] = []
            while gc.get_count()[2] < app_module.IDLE_COLLECT_AFTER:  # young collections, as an open makes
                kept.append([[] for _ in range(100)])
            assert not full, "CPython's own full collection ran already"
            await until(pilot, lambda: full, what="a full collection while idle")
        finally:
            gc.callbacks.remove(on_gc)
        assert full[0] == (threading.main_thread().name, [])
        assert gc.get_count()[2] < app_module.IDLE_COLLECT_AFTER


@async_test
async def test_each_step_of_the_preload_waits_for_the_work_of_a_key_pressed_meanwhile(
    demo_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key pressed while the preload's thread imports (a screen's load, held
    here) used to meet the next steps at once: the sources gathered and parsed,
    then every node restyled and the room's theme parsed, all within its open."""
    steps: list[str] = []
    importing, go_on, held = threading.Event(), threading.Event(), threading.Event()
    imports, gather = css_preload.import_ui_modules, css_preload.with_every_source

    def gated_imports(extra: Any = ()) -> list[str]:
        importing.set()
        assert go_on.wait(30)
        return imports(extra)

    def gathered(stylesheet: Any) -> Any:
        steps.append("gather")
        return gather(stylesheet)

    monkeypatch.setattr(css_preload, "import_ui_modules", gated_imports)
    monkeypatch.setattr(css_preload, "with_every_source", gathered)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, importing.is_set, what="the preload imports")
        key_work = app.run_worker(lambda: held.wait(30), thread=True, name="a key's open")  # as a screen's load
        go_on.set()
        preload = next(w for w in app.workers if w.name == "preload")
        await until(pilot, lambda: preload.state is WorkerState.SUCCESS, what="the imports are done")
        await pilot.pause()
        assert steps == [], "the preload went on during the key's work"
        held.set()
        await key_work.wait()
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
        assert steps == ["gather"]
