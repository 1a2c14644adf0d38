"""A screen's first open does its work once: Textual posts `ScreenResume` twice
when a mode is first opened, and restyles the whole screen on each; the screen
reloads once and, with the stylesheet it mounted under still current, is not
restyled on top of its mount. Later resumes still restyle (a theme changed
while the screen was away shows on return)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets._footer import FooterKey

from salessprint.tui.app import SCREENS, SalesSprintApp
from salessprint.tui.screens.base import AppScreen
from salessprint.tui.widgets.footer import LeanFooter
from salessprint.tui.widgets.status_header import StatusHeader
from tests.tui.harness import async_test, make_app, settle, until


@pytest.fixture
def reloads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each mode's screen asked for its data (`reload`)."""
    seen: Counter[str] = Counter()
    for name, _key, _title, lazy in SCREENS:
        cls = lazy.load()
        original = cls.reload

        def counted(self: Any, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            if type(self) is SCREEN_CLASSES[_name]:
                seen[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "reload", counted)
    return seen


SCREEN_CLASSES = {name: lazy.load() for name, _key, _title, lazy in SCREENS}


@pytest.fixture
def screen_restyles(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Whole-screen restyles (`update_node_styles` on a screen), by screen class."""
    seen: Counter[str] = Counter()
    original = DOMNode.update_node_styles

    def counted(self: DOMNode, animate: bool = True) -> None:
        if isinstance(self, Screen):
            seen[type(self).__name__] += 1
        original(self, animate=animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counted)
    return seen


@pytest.fixture
def applies(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """How many times the stylesheet was applied to each node (by `id`)."""
    seen: Counter[int] = Counter()
    original = Stylesheet.apply

    def counted(self: Stylesheet, node: DOMNode, **kwargs: Any) -> None:
        seen[id(node)] += 1
        original(self, node, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counted)
    return seen


async def _preloaded(pilot: Any, app: SalesSprintApp) -> None:
    await settle(pilot)
    await until(pilot, lambda: app.css_preloaded, what="the CSS of every screen is preloaded")
    await settle(pilot)


def _styles(screen: Screen[Any]) -> dict[int, tuple[Any, ...]]:
    """Each node's own rules and its component classes' rules."""
    return {
        id(node): (
            type(node).__name__,
            dict(node.styles.base._rules),
            {name: dict(styles.base._rules) for name, styles in node._component_styles.items()},
        )
        for node in screen.walk_children(with_self=True)
    }


@async_test
async def test_a_first_open_reloads_once_and_restyles_no_screen_on_top_of_its_mount(
    demo_store: Any, reloads: Counter[str], screen_restyles: Counter[str]
) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await _preloaded(pilot, app)
        first = app.current_mode
        for name, key, _title, cls in SCREENS:
            if name == first:
                continue
            reloads.clear()
            screen_restyles.clear()
            theme = app.theme
            await pilot.press("escape", key)
            await settle(pilot)
            assert app.current_mode == name
            assert reloads[name] == 1, f"the first open of {name} reloaded {reloads[name]} times"
            if app.theme == theme:  # the review switches to the room's theme: that restyles, rightly
                assert screen_restyles[cls.name] == 0, f"{name} was restyled whole {screen_restyles[cls.name]} times"


@async_test
async def test_a_first_open_styles_each_node_of_the_screen_once(demo_store: Any, applies: Counter[int]) -> None:
    """Each node is styled as it mounts; only what its data changes (a goal bar
    reaching its goal, the table taking focus) is styled again."""
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await _preloaded(pilot, app)
        applies.clear()
        await pilot.press("escape", "5")  # Activity: its tables' component classes made the restyle dear
        await until(pilot, lambda: app.current_mode == "activity" and app.screen.is_mounted, what="Activity opens")
        await settle(pilot)
        screen = app.screen
        nodes = list(screen.walk_children(with_self=True))
        fixed = [screen, screen.query_one(StatusHeader), screen.query_one(LeanFooter), *screen.query(FooterKey)]
        again = [type(n).__name__ for n in fixed if applies[id(n)] != 1]
        assert not again, f"styled other than once: {again}"
        styled = sum(applies[id(n)] for n in nodes)
        assert styled < 1.5 * len(nodes), f"{styled} stylings of {len(nodes)} nodes"


@async_test
async def test_the_skipped_restyle_would_have_changed_nothing(demo_store: Any) -> None:
    """Every screen's nodes, opened without the whole-screen restyle, have the
    styles a restyle would give them (before the preload too, when the screen's
    CSS arrives as it opens: then the restyle is not skipped)."""
    for preload in (True, False):
        app = make_app(demo_store, "maria")
        if not preload:
            app._preload_when_idle = lambda: None  # type: ignore[method-assign]
        async with app.run_test(size=(160, 50)) as pilot:
            await (_preloaded(pilot, app) if preload else settle(pilot))
            for name, key, _title, _cls in SCREENS:
                if name in (app.current_mode, "review"):  # the review changes the theme
                    continue
                await pilot.press("escape", key)
                await settle(pilot)
                assert app.current_mode == name
                before = _styles(app.screen)
                app.stylesheet.update_nodes(app.screen.walk_children(with_self=True), animate=False)
                assert _styles(app.screen) == before, (
                    f"{name} (preload={preload}) was not styled as a restyle styles it"
                )


@async_test
async def test_a_theme_changed_while_a_screen_was_away_shows_on_its_return(demo_store: Any) -> None:
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await _preloaded(pilot, app)
        await pilot.press("escape", "1")
        await settle(pilot)
        backlog = app.screen
        header = backlog.query_one(StatusHeader)
        await pilot.press("escape", "2")
        await settle(pilot)
        dark_panel = Color.parse(app.theme_variables["panel"])
        app.theme = "salessprint-light"
        await settle(pilot)
        await pilot.press("escape", "1")
        await settle(pilot)
        assert app.screen is backlog
        light_panel = Color.parse(app.theme_variables["panel"])
        assert light_panel != dark_panel
        assert header.styles.background == light_panel


@async_test
async def test_a_dialog_closed_resumes_the_screen_with_its_work(demo_store: Any, reloads: Counter[str]) -> None:
    """A resume after a dialog is not a repeat: the screen reloads and keeps its focus."""
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await _preloaded(pilot, app)
        await pilot.press("escape", "1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AppScreen)
        focused = screen.focused
        reloads.clear()
        await pilot.press("question_mark")
        await until(pilot, lambda: app.screen is not screen, what="the keys dialog opens")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, what="the dialog closes")
        await settle(pilot)
        assert reloads["backlog"] == 1
        assert screen.focused is focused


@async_test
async def test_going_back_to_the_board_reloads_it_once(demo_store: Any, reloads: Counter[str]) -> None:
    """The board's own resume handler calls the shared one through super(): Textual
    then calls the shared one again (it calls every class's handler), which read the
    board twice on every return to it."""
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(160, 50)) as pilot:
        await _preloaded(pilot, app)
        for key in ("3", "1"):
            await pilot.press("escape", key)
            await settle(pilot)
        reloads.clear()
        await pilot.press("escape", "3")
        await settle(pilot)
        assert app.current_mode == "board"
        assert reloads["board"] == 1
