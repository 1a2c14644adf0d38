"""The first frame with data (tui/first_paint.py): drawn from the driver's read
before the store opens, it shows what the real board then shows; keys typed
while it is up reach the real screens; and without a usable first read the app
starts as before."""

from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.widgets import Input

from salessprint.domain import clock
from salessprint.quick_settings import QuickSettings
from salessprint.services import open_store
from salessprint.services.app_context import load_context
from salessprint.services.first_paint import FirstCard, board_of, first_read
from salessprint.store.db import Store
from salessprint.tui.app import Opened, SalesSprintApp
from salessprint.tui.first_paint import FirstFrame, header_text
from salessprint.tui.screens.backlog import BacklogScreen
from salessprint.tui.screens.board import BoardScreen
from salessprint.tui.widgets.card_list import CardList
from salessprint.tui.widgets.sprint_card import card_lines
from salessprint.tui.widgets.status_header import StatusHeader
from tests.tui.harness import HOSTILE, async_test, screen_lines, settle, type_fast, until

SIZE = (140, 34)
SLOW = 60.0


def dispose(app: SalesSprintApp) -> None:
    if app.store is not None:
        app.store.dispose()


def gated_app(url: str, login: str) -> tuple[SalesSprintApp, threading.Event]:
    """The app as `salessprint` opens it, whose store open waits for the gate."""
    gate = threading.Event()

    def connect() -> Opened:
        assert gate.wait(SLOW)
        return Opened(open_store(url), login, "salessprint-dark")

    app = SalesSprintApp(connect=connect, first=QuickSettings(url, login, "salessprint-dark"))
    return app, gate


SCROLLBAR = str.maketrans("", "", "▁▂▃▄▅▆▇█▏▕▔")


def board_part(lines: list[str]) -> list[str]:
    """The header, status line and lanes' cards as text (not the bottom lines: the first
    frame has no footer keys; not the scrollbars' thumbs, which the focused lane's cursor moves)."""
    return [line.translate(SCROLLBAR).rstrip() for line in lines[: SIZE[1] - 3]]


@async_test
async def test_the_first_frame_shows_what_the_board_then_shows(demo_store: Store) -> None:
    url = demo_store.url.render_as_string(hide_password=False)
    app, gate = gated_app(url, "maria")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.query(FirstFrame)), SLOW, what="the first frame")
        await pilot.pause()
        first = board_part(screen_lines(app))
        assert app.store is None  # nothing opened yet: the driver read it
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen._painted, SLOW, what="the board")
        await settle(pilot)
        real = board_part(screen_lines(app))
    dispose(app)
    assert "Sprint 13 (active)" in first[0] and "Maria Keller (manager)" in first[0]
    assert any("To do  " in line and "Doing  " in line for line in first)
    assert first == real


@async_test
async def test_the_first_frame_is_taken_down_once_the_board_is_up(demo_store: Store) -> None:
    """The default mode's screen is never shown again: it must not keep the
    first frame's widgets and the lines they drew for the app's lifetime."""
    url = demo_store.url.render_as_string(hide_password=False)
    app, gate = gated_app(url, "maria")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.query(FirstFrame)), SLOW, what="the first frame")
        frame = app.query_one(FirstFrame)
        await until(pilot, lambda: bool(frame.query(CardList)), SLOW, what="the first frame's lanes")
        cards = list(frame.query(CardList))
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, BoardScreen) and app.screen._painted, SLOW, what="the board")
        await until(pilot, lambda: not frame.is_attached, SLOW, what="the first frame taken down")
        assert cards and not any(card.is_attached for card in cards)
        assert isinstance(app.screen, BoardScreen)
    dispose(app)


@async_test
async def test_keys_typed_on_the_first_frame_reach_the_screens_they_meant(demo_store: Store) -> None:
    url = demo_store.url.render_as_string(hide_password=False)
    app, gate = gated_app(url, "chris")  # a rep: Today first
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.query(FirstFrame)), SLOW, what="the first frame")
        type_fast(app, "1", "/", *"Tess")
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, BacklogScreen), SLOW, what="the backlog")
        screen = app.screen
        assert isinstance(screen, BacklogScreen)
        await until(pilot, lambda: screen.page is not None and screen.page.text == "Tess", SLOW, what="the filter")
        box = screen.query_one("#backlog-filter", Input)
        assert box.value == "Tess" and box.has_focus
    dispose(app)


@async_test
async def test_a_login_the_first_read_cannot_answer_for_starts_as_before(demo_store: Store) -> None:
    """No first frame for an unknown member: the store's open says what is wrong."""
    url = demo_store.url.render_as_string(hide_password=False)
    app, gate = gated_app(url, "nobody")
    gate.set()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.fatal_error is not None, SLOW, what="the refusal")
        assert not app.query(FirstFrame) and app.first_read is None
    assert "nobody" in (app.fatal_error or "")


@async_test
async def test_header_and_card_lines_are_the_real_widgets_lines(demo_store: Store) -> None:
    url = demo_store.url.render_as_string(hide_password=False)
    read = first_read(url, "maria", board=True)
    assert read is not None and read.board is not None
    ctx = load_context(demo_store, "maria")

    class HeaderApp(App[None]):
        store = demo_store

        def compose(self) -> ComposeResult:
            yield StatusHeader()

    for width in (140, 80):
        app = HeaderApp()
        async with app.run_test(size=(width, 3)) as pilot:
            header = app.query_one(StatusHeader)
            header.team, header.sprint, header.me = ctx.team, ctx.sprint, ctx.me
            header.today = clock.team_today(ctx.team.timezone)
            header.screen_title = "Board"
            await pilot.pause()
            assert header_text(read, header.size.width, "Board") == header.render()
    view = board_of(read.board)
    for status, lane in read.board.lanes.items():
        for mine, theirs in zip(lane.cards, view.lanes[status].cards, strict=True):
            assert card_lines(mine, "EUR") == card_lines(theirs, "EUR")  # the same fields, drawn alike


def test_markup_in_stored_text_shows_verbatim_on_the_first_frame(demo_store: Store) -> None:
    url = demo_store.url.render_as_string(hide_password=False)
    read = first_read(url, "maria", board=True)
    assert read is not None
    for title in HOSTILE:
        card = FirstCard(1, 1, "deal", 1, title, "x", "X", 1, "todo", False, False, None, None, title, "deal", 1)
        top, details = card_lines(card, "EUR")
        assert top.plain == title and title in details.plain
        odd = type(read)(read.url, read.login, {**read.team, "name": title}, read.sprint, read.me)
        assert title in header_text(odd, 140).plain


def test_the_store_is_named_as_the_header_names_it(demo_store: Store) -> None:
    from salessprint.store.db import parse_url
    from salessprint.tui.first_paint import store_label
    from salessprint.tui.widgets.status_header import store_label as header_label

    for url in (
        demo_store.url.render_as_string(hide_password=False),
        "postgresql+psycopg://bob:secret@db.example.com:6543/sales",
        "postgresql+psycopg://db.example.com/sales",
        "postgresql:///sales",
    ):
        store = type("S", (), {"url": parse_url(url)})()
        assert store_label(url) == header_label(store)
        assert "secret" not in store_label(url)
