"""No keystroke lost: keys typed faster than the app answers reach, in order,
the place they were meant for (tui/keys.py).

Each test sends its keys at once (`type_fast`: no pause between them, as a
terminal delivers a burst) and then asserts on the store and on the screen.
The `cpu` fixture runs the main sequences a second time with both cores busy
(two spinning subprocesses): the outcome must not depend on timing.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from textual import events
from textual.widgets import DataTable, Input

from salessprint.services.activities import log_activity
from salessprint.services.activity_view import my_goals
from salessprint.services.backlog import backlog_page
from salessprint.services.deals import get_deal, list_deals
from salessprint.services.retro import list_entries
from salessprint.services.tasks import get_task
from salessprint.tui.screens.activity import ActivityScreen
from salessprint.tui.screens.backlog import BacklogScreen
from salessprint.tui.screens.retro import RetroScreen
from salessprint.tui.widgets.footer import LeanFooter
from salessprint.tui.widgets.goal_bar import GoalBar
from tests.tui.harness import async_test, make_app, notified, screen_text, settle, type_fast, until

SIZE = (140, 40)
SLOW = 60.0
"""Seconds a busy machine may take to work through a burst (the waits end as soon as it has)."""


@pytest.fixture(params=["idle", "busy"])
def cpu(request: pytest.FixtureRequest) -> Iterator[str]:
    """The machine as it is, then with both cores kept busy by other processes."""
    if request.param == "idle":
        yield "idle"
        return
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield "busy"
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def calls_today(store: Any, login: str = "alex") -> int:
    return next(g.done for g in my_goals(store, login).today_goals if g.kind == "call")


def footer_keys(app: Any) -> str:
    """The keys the footer of the screen on top shows (empty when it is blank)."""
    footers = list(app.screen.query(LeanFooter))
    assert footers, "the screen has no footer"
    return " ".join(str(key.render()) for key in footers[0].query("FooterKey"))


async def open_screen(pilot: Any, key: str) -> Any:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    return pilot.app.screen


async def filter_shows(pilot: Any, screen: BacklogScreen, text: str) -> None:
    """Wait until the backlog shows the answer to the filter `text`."""
    await until(
        pilot,
        lambda: screen.page is not None and screen.page.text == text,
        SLOW,
        what=f"the backlog filtered on {text!r}",
    )
    await settle(pilot)


# --- Activity: l c, as fast as fingers go ---------------------------------------------
@async_test
async def test_l_c_three_times_at_once_logs_three_calls_and_shows_them(demo_store: Any, cpu: str) -> None:
    before = calls_today(demo_store)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "5")
        assert isinstance(screen, ActivityScreen)
        type_fast(app, "l", "c", "l", "c", "l", "c")
        # Waits on the toasts, not on the store: a store query every 20 ms took CPU from the app itself.
        await until(pilot, lambda: notified(app).count("Call logged") == 3, SLOW, what="three calls logged")
        await settle(pilot)
        assert calls_today(demo_store) == before + 3  # and no fourth
        assert app.screen_stack == [screen]
        await until(pilot, lambda: screen.query_one("#today-call", GoalBar).done == before + 3, SLOW)
        table = screen.query_one("#recent", DataTable)
        assert [table.get_row_at(i)[1].plain for i in range(3)] == ["Call"] * 3
        assert notified(app).count("Call logged") == 3
        assert f"{before + 3} / 12" in screen_text(app)
        assert "Log activity" in footer_keys(app)


@async_test
async def test_l_c_typed_while_the_last_call_saves_logs_every_call(
    demo_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`l c` every half second, with a store slower than that: each pair arrives
    while the call before is still being saved (the service waits for the test)."""
    saving, go_on = threading.Semaphore(0), threading.Semaphore(0)

    def slow_log(*args: Any, **kwargs: Any) -> Any:
        saving.release()
        assert go_on.acquire(timeout=SLOW), "the test never let the save finish"
        return log_activity(*args, **kwargs)

    monkeypatch.setattr("salessprint.tui.modals.log_activity.log_activity", slow_log)
    before = calls_today(demo_store)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "5")
        type_fast(app, "l", "c")
        for pair in range(10):
            await until(pilot, lambda: saving.acquire(blocking=False), SLOW, what=f"call {pair + 1} is saving")
            if pair < 9:
                type_fast(app, "l", "c")  # typed while the store has not answered yet
            go_on.release()
        await until(pilot, lambda: calls_today(demo_store) == before + 10, SLOW, what="ten calls stored")
        await settle(pilot)
        assert calls_today(demo_store) == before + 10
        assert app.screen_stack == [screen]
        await until(pilot, lambda: screen.query_one("#today-call", GoalBar).done == before + 10, SLOW)
        assert "Log activity" in footer_keys(app)  # the footer is never left blank
        assert "Log activity" in screen_text(app).splitlines()[-1]


# --- the first keys after a screen opens ------------------------------------------------
@async_test
async def test_1_then_slash_tess_at_once_filters_the_backlog_on_tess(demo_store: Any, cpu: str) -> None:
    # chris owns five items about Tessera Bank
    app = make_app(demo_store, "chris")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_screen(pilot, "5")
        type_fast(app, "1", "/", *"Tess")
        await until(pilot, lambda: isinstance(app.screen, BacklogScreen), SLOW, what="the backlog opens")
        screen = app.screen
        assert isinstance(screen, BacklogScreen)
        await filter_shows(pilot, screen, "Tess")
        box = screen.query_one("#backlog-filter", Input)
        assert box.value == "Tess" and box.has_focus
        assert screen.mine  # no letter toggled the team view
        expected = backlog_page(demo_store, "chris", mine=True, text="Tess")
        assert expected.total > 0 and screen.page is not None and screen.page.total == expected.total
        text = screen_text(app)
        assert "filter: Tess" in text and "My items" in text
        assert all("tess" in f"{row.title} {row.account}".lower() for row in expected.rows)
        assert expected.rows[0].title in text


@async_test
async def test_a_key_let_through_as_the_app_closes_its_screens_goes_nowhere(demo_store: Any) -> None:
    """`run_test` closes the screens while the app still takes messages: a key the
    delivery let through just then found no screen (ScreenStackError, the app failed)."""
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        stack = app._screen_stacks[app._current_mode]
        shown, stack[:] = stack[:], []  # as `App._close_all` leaves it
        try:
            await app.on_event(events.Key("n", "n"))  # the app is quiet: handled at once
            app._releasing = (key := events.Key("n", "n"), asyncio.get_running_loop().create_future())
            await app.on_event(key)  # a queued key handed back to Textual
            assert app._releasing is None
            forwarded = events.Key("n", "n")
            forwarded._set_forwarded()
            await app.on_event(forwarded)  # a key on its way back up from a widget
        finally:
            stack[:] = shown
        await settle(pilot)
        assert app.screen_stack == shown


@async_test
async def test_an_a_typed_as_the_backlog_opens_switches_it_to_the_team(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_screen(pilot, "5")
        type_fast(app, "1", "a")
        await until(pilot, lambda: isinstance(app.screen, BacklogScreen), SLOW)
        screen = app.screen
        assert isinstance(screen, BacklogScreen)
        await until(pilot, lambda: screen.page is not None and not screen.page.mine, SLOW, what="the team's list")
        await settle(pilot)
        assert not screen.mine and screen.page is not None
        assert screen.page.total == backlog_page(demo_store, "alex", mine=False).total
        assert "Whole team" in screen_text(app)


@async_test
async def test_slash_kran_at_once_filters_and_opens_no_form(demo_store: Any, cpu: str) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "1")
        assert isinstance(screen, BacklogScreen)
        deals_before = len(list_deals(demo_store, "alex"))
        type_fast(app, "/", *"kran")
        await filter_shows(pilot, screen, "kran")
        assert app.screen_stack == [screen]  # the `n` opened no New deal
        assert screen.query_one("#backlog-filter", Input).value == "kran"
        expected = backlog_page(demo_store, "alex", mine=True, text="kran")
        assert expected.total > 0 and screen.page is not None and screen.page.total == expected.total
        assert "filter: kran" in screen_text(app)
        assert len(list_deals(demo_store, "alex")) == deals_before


# --- dialogs: usable the moment they are pushed; a save does not eat the next keys ---------
@async_test
async def test_a_new_deal_typed_at_once_is_stored_with_its_exact_title(demo_store: Any, cpu: str) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "1")
        assert isinstance(screen, BacklogScreen)
        title, account = "Solar roof pilot [b] / Q1", "Sonnenhof Hotels"
        # The keys after ctrl+s are for the backlog: they wait for the save, then filter.
        type_fast(
            app, "n", *title, "tab", *account, "tab", *"12,500.50", "ctrl+s", "/", *"Solar"
        )  # fmt: skip
        # Waits on the toast, not on the store: a store query every 20 ms took CPU from the app itself
        # (the burst of 60 keys then outlasted SLOW at load 13-17: 5 runs of 6 failed).
        await until(
            pilot, lambda: any(m.startswith("Saved deal #") for m in notified(app)), SLOW, what="the deal saved"
        )
        await filter_shows(pilot, screen, "Solar")
        deals = [d for d in list_deals(demo_store, "alex", mine=True) if d.title == title]
        assert len(deals) == 1
        assert (deals[0].account, str(deals[0].value)) == (account, "12500.50")
        assert app.screen_stack == [screen]
        assert screen.query_one("#backlog-filter", Input).value == "Solar"
        assert screen.page is not None and any(row.id == deals[0].id for row in screen.page.rows)
        text = screen_text(app)
        assert title in text and "filter: Solar" in text
        assert f"Saved deal #{deals[0].id}: {title}" in notified(app)


@async_test
async def test_keys_typed_while_the_edit_form_loads_go_into_the_form(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "1")
        row = screen.selected()
        assert row is not None
        # `e` reads the item from the store before its form opens.
        type_fast(app, "e", "end", *" v2", "ctrl+s")
        read = get_deal if row.item_type == "deal" else get_task
        await until(pilot, lambda: read(demo_store, "alex", row.id).title == f"{row.title} v2", SLOW)
        await settle(pilot)
        assert app.screen is screen
        assert f"{row.title} v2" in screen_text(app)


@async_test
async def test_x_then_y_at_once_deletes_the_item(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "1")
        row = screen.selected()
        assert row is not None and row.item_type == "deal"
        type_fast(app, "x", "y")
        await until(pilot, lambda: row.id not in {d.id for d in list_deals(demo_store, "alex")}, SLOW)
        await settle(pilot)
        assert app.screen is screen
        assert f"Archived deal #{row.id}." in notified(app)  # a deleted deal is archived (undo brings it back)


@async_test
async def test_keys_typed_while_the_app_starts_reach_the_first_screen(demo_store: Any) -> None:
    before = calls_today(demo_store)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        type_fast(app, "5", "l", "c")  # before the store is open
        await until(pilot, lambda: calls_today(demo_store) == before + 1, SLOW, what="the call is stored")
        await settle(pilot)
        assert isinstance(app.screen, ActivityScreen) and len(app.screen_stack) == 1
        assert "Log activity" in footer_keys(app)


@async_test
async def test_two_retro_entries_typed_at_once_are_both_added(demo_store: Any) -> None:
    """The second `a` arrives while the first entry saves: it opens the next dialog once that one closes."""
    app = make_app(demo_store, "bea")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_screen(pilot, "6")
        assert isinstance(screen, RetroScreen)
        type_fast(app, "a", *"Fast demos", "enter", "a", *"Short calls", "enter")
        await until(pilot, lambda: len(list_entries(demo_store, "bea", 13)) == 2, SLOW, what="two entries stored")
        await settle(pilot)
        stored = list_entries(demo_store, "bea", 13)
        assert sorted(e.text for e in stored) == ["Fast demos", "Short calls"]
        assert app.screen_stack == [screen]
        text = screen_text(app)
        assert "Fast demos" in text and "Short calls" in text
