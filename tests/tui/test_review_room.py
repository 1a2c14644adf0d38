"""The review on a room's screen: slides that scale with the terminal (big-type
titles, headline figures in large digits, tables as wide as their content and
centred), the slide number on every slide, no footer, slide keys typed fast,
user text shown as typed, and snapshots at 200x50 and 120x30 in the projector
and dark themes."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Footer, Label, Static

from salessprint.services.retro import add_entry
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.help import KeysModal
from salessprint.tui.review_app import ReviewApp
from salessprint.tui.screens.review import SLIDES, ReviewScreen
from salessprint.tui.widgets.slide import SlideFigure, SlideTitle
from salessprint.tui.widgets.slide_font import big_lines
from tests.team_helpers import make_team
from tests.tui.harness import HOSTILE, screen_text, settle, type_fast, until

SIZES = [(200, 50), (120, 30), (80, 24)]


def number(app: Any) -> str:
    """The slide number as shown ("3 / 6")."""
    return str(app.screen.query_one("#slide-number", Label).render())


def slide_title(app: Any) -> str:
    """The slide's title as words, with its sprint."""
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen.slide_title


def body_lines(app: Any) -> list[str]:
    """The slide body as drawn in its own width, line by line (trailing blanks kept)."""
    static = app.screen.query_one("#slide-body", Static)
    width = static.content_region.width
    console = Console(width=width, record=True, file=open(os.devnull, "w"), color_system=None)  # noqa: SIM115
    console.print(static.content)
    return [line.ljust(width) for line in console.export_text().splitlines()]


async def slide_shows(pilot: Any, text: str) -> None:
    await until(pilot, lambda: number(pilot.app) == text, what=f"the slide number reads {text!r}")


def test_slide_keys_typed_fast_are_all_taken(demo_store: Any) -> None:
    """`right right right` at once: the fourth slide, as if pressed one by one."""

    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            type_fast(app, "right", "right", "right")
            await slide_shows(pilot, f"4 / {len(SLIDES)}")
            assert slide_title(app) == "Sprint 13 · Activity against goal"
            assert f"4 / {len(SLIDES)}" in screen_text(app)
            type_fast(app, "space", "pagedown", "left", "left", "left")
            await slide_shows(pilot, f"3 / {len(SLIDES)}")
            assert slide_title(app).endswith("Deals won and slipped")
            type_fast(app, *["right"] * 9)  # past the end: the last slide stays
            await slide_shows(pilot, f"{len(SLIDES)} / {len(SLIDES)}")
            type_fast(app, "home", "right")
            await slide_shows(pilot, f"2 / {len(SLIDES)}")
            await settle(pilot)
            assert number(app) == f"2 / {len(SLIDES)}"

    asyncio.run(run())


def test_keys_typed_while_the_review_opens_wait_for_its_slides(demo_store: Any) -> None:
    """F5 and two slide keys at once, from the board: the review opens on slide 3,
    not on the one "Loading…" slide that was there while its figures loaded."""

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            type_fast(app, "f5", "right", "right")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert number(app) == f"3 / {len(SLIDES)}"
            assert slide_title(app) == "Sprint 13 · Deals won and slipped"

    asyncio.run(run())


def test_keys_typed_as_the_review_app_starts_are_taken(demo_store: Any) -> None:
    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=(120, 30)) as pilot:
            type_fast(app, "right", "right", "right", "right")
            await settle(pilot)
            assert number(app) == f"5 / {len(SLIDES)}"
            assert slide_title(app).endswith("Velocity and forecast")

    asyncio.run(run())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_slide_fits_the_screen_with_its_number_and_no_footer(demo_store: Any, size: tuple[int, int]) -> None:
    width, height = size

    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            assert not screen.query(Footer)
            for index, (name, _build) in enumerate(SLIDES):
                shown = screen_text(app)
                assert f"{index + 1} / {len(SLIDES)}" in shown
                title = screen.query_one(SlideTitle)
                # Big type where it fits (it does at 120 and 200 columns), the words otherwise.
                big = big_lines(name)
                if width >= 120:
                    assert big[1] in shown
                else:
                    assert big[1] in shown or name.upper() in shown
                assert title.region.right <= width
                number_label = screen.query_one("#slide-number", Label)
                assert number_label.region.y == height - 1 and number_label.region.right <= width
                inside = screen.query_one("#slide-scroll").scrollable_content_region
                for figure in screen.query(SlideFigure):
                    if figure.display:
                        assert figure.region.right <= inside.right, f"slide {index + 1}: {figure.caption} cut"
                        assert figure.value and figure.caption
                        assert figure.caption in shown
                await pilot.press("right")

    asyncio.run(run())


def test_tables_are_as_wide_as_their_content_and_centred(demo_store: Any) -> None:
    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            await pilot.press("right", "right", "right")
            assert slide_title(app).endswith("Activity against goal")
            lines = body_lines(app)
            rule = next(line for line in lines if "━━━" in line)  # under the table's header
            left, right = len(rule) - len(rule.lstrip()), len(rule) - len(rule.rstrip())
            assert len(rule.strip()) < len(rule) * 0.7  # not stretched across the width
            assert abs(left - right) <= 1  # centred
            chris = next(line for line in lines if "Chris Okafor" in line)
            assert chris.index("Chris Okafor") >= left

    asyncio.run(run())


def test_the_slides_follow_the_terminal_size(demo_store: Any) -> None:
    """From 200x50 down to 80x24 and back: the title drops to ordinary type
    where the big one would not fit, and the deals lists get shorter."""

    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            name = "Sprint goal and outcome"
            assert big_lines(name)[1] in screen_text(app)
            await pilot.resize_terminal(80, 24)
            await until(pilot, lambda: name.upper() in screen_text(app), what="the title in ordinary type")
            assert number(app) == f"1 / {len(SLIDES)}"
            await pilot.press("right", "right")
            slipped = [line for line in body_lines(app) if "Slipped" in line]
            assert slipped and "3 of" in slipped[0]
            await pilot.resize_terminal(200, 50)
            await until(pilot, lambda: big_lines("Deals won and slipped")[1] in screen_text(app), what="big type")

    asyncio.run(run())


def test_question_mark_lists_the_slide_keys_without_a_footer(demo_store: Any) -> None:
    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert "Next" not in [str(x.render()) for x in app.screen.query(Label)]
            await pilot.press("question_mark")
            await until(pilot, lambda: isinstance(app.screen, KeysModal), what="the keys list")
            shown = screen_text(app)
            assert "→, space, pgdn  next" in shown and "←, pgup, ⌫  back" in shown
            assert "↓  scroll down" in shown and "esc  leave" in shown
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen), what="back on the slides")
            await pilot.press("right")
            assert number(app) == f"2 / {len(SLIDES)}"

    asyncio.run(run())


@pytest.fixture
def hostile_team(tmp_path: Path, frozen: Any) -> Any:
    """A small team whose sprint goal and retro entries look like Rich markup."""
    store = make_team(f"sqlite:///{tmp_path / 'hostile.db'}")
    plan_sprint(store, "max", goal=HOSTILE[0])
    add_item(store, "max", "task", add_task(store, "max", title=HOSTILE[1], assignee="rita", points="2").id)
    start_sprint(store, "max")
    for column, text in zip(("went_well", "to_improve", "action"), HOSTILE, strict=True):
        add_entry(store, "rita", column, text)
    yield store
    store.dispose()


def test_user_text_is_shown_as_typed(hostile_team: Any) -> None:
    async def run() -> None:
        app = ReviewApp(hostile_team, "max")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            assert HOSTILE[0] in screen_text(app)  # the goal
            await pilot.press("home", *["right"] * (len(SLIDES) - 1))
            assert slide_title(app).endswith("Retrospective")
            shown = screen_text(app)
            for text in HOSTILE:
                assert text in shown

    asyncio.run(run())


SNAPSHOTS = [
    ("projector", (200, 50), 0),
    ("projector", (200, 50), 2),
    ("projector", (120, 30), 0),
    ("projector", (120, 30), 3),
    ("salessprint-dark", (200, 50), 1),
    ("salessprint-dark", (120, 30), 4),
]


@pytest.mark.parametrize(
    ("theme", "size", "slide"), SNAPSHOTS, ids=[f"{t}-{w}x{h}-slide{i + 1}" for t, (w, h), i in SNAPSHOTS]
)
def test_review_slide_snapshot(
    demo_store: Any, snap_compare: Any, theme: str, size: tuple[int, int], slide: int
) -> None:
    async def on_slide(pilot: Any) -> None:
        await settle(pilot)
        assert pilot.app.theme == theme
        for _ in range(slide):
            await pilot.press("right")
        assert number(pilot.app) == f"{slide + 1} / {len(SLIDES)}"

    assert snap_compare(ReviewApp(demo_store, "maria", theme_name=theme), terminal_size=size, run_before=on_slide)
