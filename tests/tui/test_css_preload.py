"""Screens open at once: every screen's and dialog's CSS is in the stylesheet
before it is first opened, so no first open re-parses the stylesheet."""

from __future__ import annotations

from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet

from salessprint.tui.app import SCREENS
from salessprint.tui.modals.help import KeysModal
from tests.tui.harness import async_test, make_app, settle, until


@async_test
async def test_no_screen_re_parses_the_stylesheet_on_its_first_open(demo_store: Any, parses: list[str]) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
        await settle(pilot)  # the room's theme is parsed ahead in a worker: that parse is not an open's
        first = app.current_mode
        for name, key, _title, _cls in SCREENS:
            if name == first:
                continue
            parses.clear()
            theme = app.theme
            await pilot.press("escape", key)
            await settle(pilot)
            assert app.current_mode == name
            if app.theme == theme:  # a screen that shows its own theme (the review) re-parses for the colours
                assert parses == [], f"the first open of {name} parsed the stylesheet: {parses}"


@async_test
async def test_a_dialog_opens_without_parsing_the_stylesheet(demo_store: Any, parses: list[str]) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
        await settle(pilot)  # (the room's theme parsed ahead, in its worker)
        parses.clear()
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, KeysModal), what="the keys dialog opens")
        await settle(pilot)
        assert parses == []


@async_test
async def test_without_the_preload_a_first_open_re_parses(demo_store: Any, parses: list[str]) -> None:
    """The counter above can fail: opening a screen before the preload re-parses."""
    app = make_app(demo_store, "maria")
    app._preload_when_idle = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert not app.css_preloaded
        parses.clear()
        await pilot.press("escape", "1" if app.current_mode != "backlog" else "2")
        await settle(pilot)
        assert parses, "the first open parsed no CSS"


@async_test
async def test_what_the_preload_imports_is_frozen_when_the_app_manages_the_collector(
    demo_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`open_tui` pauses the collector for start-up; the app then freezes what the
    preload brought in, so full collections do not walk every screen's module."""
    import gc

    from salessprint.tui import app as app_module

    monkeypatch.setattr(app_module, "GC_SETTLE_SECONDS", 3600.0)  # only the preload may freeze here
    gc.disable()
    try:
        app = make_app(demo_store, "maria")
        assert app.manages_gc
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
            frozen = gc.get_freeze_count()
            assert frozen > 0, "the preload's objects were not frozen"
    finally:
        gc.unfreeze()
        gc.enable()


@async_test
async def test_an_app_that_did_not_pause_the_collector_freezes_nothing(demo_store: Any) -> None:
    import gc

    before = gc.get_freeze_count()
    app = make_app(demo_store, "maria")
    assert not app.manages_gc
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
    assert gc.get_freeze_count() == before


@async_test
async def test_installing_the_preloaded_css_restyles_each_node_once(
    demo_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The install restyles the app and the screen shown; the shown screen is
    in the stack too, and was restyled a second time (the board: every card)."""
    from salessprint.tui import css_preload

    restyled: list[int] = []
    install = css_preload.install

    def counted_install(app: Any, candidate: Stylesheet) -> None:
        apply = candidate.apply

        def counted_apply(node: Any, *args: Any, **kwargs: Any) -> None:
            restyled.append(id(node))
            apply(node, *args, **kwargs)

        candidate.apply = counted_apply  # type: ignore[method-assign]
        install(app, candidate)
        del candidate.apply

    monkeypatch.setattr(css_preload, "install", counted_install)
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
        assert restyled, "the preload installed nothing"
        assert len(restyled) == len(set(restyled)), f"{len(restyled) - len(set(restyled))} nodes restyled twice"
