"""The deal room: Enter on a deal opens it; its keys write to the store and the room shows the result."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.pilot import Pilot

from salessprint.services.activities import list_activities
from salessprint.services.deal_room import deal_room
from salessprint.services.deals import add_deal, get_deal, update_deal
from salessprint.services.notes import list_notes
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.deal_room import AccountScreen, DealRoomScreen
from tests.tui.harness import make_app, notified, run_on, screen_text, settle, type_fast, until

SIZE = (140, 40)
SLOW = 60.0
"""Seconds a busy machine may take to work through keys typed at once (the waits end as soon as it has)."""


async def open_room(pilot: Pilot[Any], app: SalesSprintApp, deal_id: int) -> DealRoomScreen:
    await settle(pilot)
    room = DealRoomScreen(deal_id)
    app.push_screen(room)
    await until(pilot, lambda: room.room is not None, what="the room loaded")
    await settle(pilot)  # and drawn: the data's arrival is not yet its paint
    assert app.screen is room
    return room


def test_enter_on_a_backlog_deal_opens_its_room(demo_store: Any) -> None:
    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        await pilot.press("slash", *"Renewal")
        await settle(pilot)
        await pilot.press("enter")  # keep the filter, back to the list
        await settle(pilot)
        row = app.screen.selected()  # type: ignore[attr-defined]
        assert row is not None and row.item_type == "deal"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen) and app.screen.deal_id == row.id
        text = screen_text(app)
        assert row.title in text and "Timeline, newest first" in text and "Next step" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DealRoomScreen)

    run_on(demo_store, "alex", "1", SIZE, scenario)


def test_keys_log_a_call_with_an_outcome_add_a_note_and_set_the_next_step(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Globex expansion", account="Globex", value="9000")
    app = make_app(demo_store, "alex")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_room(pilot, app, deal.id)
            # l, Tab into the outcome, type, Enter: a call logged on this deal with its outcome.
            await pilot.press("l")
            await settle(pilot)
            await pilot.press("tab", *"booked a demo", "enter")
            await settle(pilot)
            # n + text + Enter: a note.
            await pilot.press("n", *"CFO signs in December", "enter")
            await settle(pilot)
            # s + text + Enter: the next step.
            await pilot.press("s", *"send the contract", "enter")
            await until(
                pilot,
                lambda: all(
                    t in screen_text(app)
                    for t in ("logged a call: booked a demo", "CFO signs in December", "Next step: send the contract")
                ),
                what="the call, the note and the next step in the room",
            )

    asyncio.run(run())
    calls = [a for a in list_activities(demo_store, "alex") if a.deal_id == deal.id]
    assert [(a.kind, a.outcome) for a in calls] == [("call", "booked a demo")]
    assert [n.text for n in list_notes(demo_store, "alex", deal_id=deal.id)] == ["CFO signs in December"]
    assert get_deal(demo_store, "alex", deal.id).next_step == "send the contract"


def test_collaborators_win_and_the_account_view(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Initech pilot", account="Initech", value="4000")
    add_deal(demo_store, "alex", title="Initech rollout", account="Initech", value="12000")
    app = make_app(demo_store, "alex")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            room = await open_room(pilot, app, deal.id)
            await pilot.press("c", *"bea", "enter")
            await until(pilot, lambda: "collaborators: bea" in screen_text(app), what="bea added")
            await pilot.press("C", *"bea", "enter")
            await until(pilot, lambda: "collaborators: none" in screen_text(app), what="bea removed")
            await pilot.press("w")
            await until(pilot, lambda: room.room is not None and room.room.deal.stage == "Won", what="won")
            await pilot.press("a")
            await until(pilot, lambda: isinstance(app.screen, AccountScreen), what="the account view")
            await until(
                pilot,
                lambda: all(t in screen_text(app) for t in ("Account: Initech", "Initech pilot", "Initech rollout")),
                what="the account's deals",
            )

    asyncio.run(run())
    assert get_deal(demo_store, "alex", deal.id).stage == "Won"
    assert get_deal(demo_store, "alex", deal.id).collaborators == []


def test_a_rep_may_read_anothers_room_but_not_edit_it(demo_store: Any) -> None:
    theirs = add_deal(demo_store, "maria", title="Maria's deal", account="Umbrella", value="100", owner="bea")
    app = make_app(demo_store, "alex")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_room(pilot, app, theirs.id)
            await until(pilot, lambda: "Maria's deal" in screen_text(app), what="the room")
            await pilot.press("s", *"steal it", "enter")
            await settle(pilot)
            await until(pilot, lambda: any("you are a rep" in n for n in notified(app)), what="the refusal, saying why")

    asyncio.run(run())
    assert get_deal(demo_store, "alex", theirs.id).next_step is None


def test_stored_markup_and_escapes_show_as_typed(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title="[bold]x[/] deal", account="[/]", value="1")
    update_deal(demo_store, "alex", deal.id, next_step="[red]call[/red]")
    app = make_app(demo_store, "alex")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_room(pilot, app, deal.id)
            text = screen_text(app)
            assert "[bold]x[/] deal" in text and "[red]call[/red]" in text

    asyncio.run(run())


def test_a_long_task_title_leaves_its_due_date_in_view(demo_store: Any) -> None:
    """At 140 columns the due dates were cut ("20 Oct 20") by long task titles."""
    app = make_app(demo_store, "alex")
    room_data = deal_room(demo_store, "alex", 29)
    dues = [f"{t.due_on:%d %b %Y}" for t in room_data.tasks if t.due_on]
    assert dues

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_room(pilot, app, 29)
            text = screen_text(app)
            assert all(due in text for due in dues), dues

    asyncio.run(run())


def test_the_room_reads_close_date_moves(demo_store: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Moving target", account="Hooli", value="1", expected_close="2026-12-10")
    for day in ("2026-12-17", "2026-12-24", "2027-01-07"):
        update_deal(demo_store, "alex", deal.id, expected_close=day)
    room = deal_room(demo_store, "alex", deal.id)
    assert room.close_moves == 3 and room.deal.close_pushes == 3 and room.deal.pushed_flag
    assert room.deal.forecast_category == "pipeline"  # Lead, from its stage


def test_deal_room_snapshot(demo_store: Any, snap_compare: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Snapshot deal", account="Acme", value="12500", next_step="demo")

    async def opened(pilot: Pilot[Any]) -> None:
        await open_room(pilot, pilot.app, deal.id)  # type: ignore[arg-type]

    assert snap_compare(SalesSprintApp(demo_store, "alex"), terminal_size=SIZE, run_before=opened)


def test_deal_room_projector_snapshot(demo_store: Any, snap_compare: Any) -> None:
    deal = add_deal(demo_store, "alex", title="Snapshot deal", account="Acme", value="12500", next_step="demo")

    async def opened(pilot: Pilot[Any]) -> None:
        assert pilot.app.theme == "projector"
        await open_room(pilot, pilot.app, deal.id)  # type: ignore[arg-type]

    assert snap_compare(make_app(demo_store, "alex", theme="projector"), terminal_size=SIZE, run_before=opened)


def test_keys_typed_as_the_room_opens_are_not_lost(demo_store: Any) -> None:
    """Enter, then `n`, a note and Enter, all at once: the room opens, loads, and takes the note."""
    deal = add_deal(demo_store, "alex", title="Quick keys deal", account="Vandelay", value="700")
    app = make_app(demo_store, "alex")

    async def run() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("1")
            await settle(pilot)
            await pilot.press("slash", *"Quick keys", "enter")
            await settle(pilot)
            type_fast(app, "enter", "n", *"typed at once", "enter")
            # Not the text on screen: the prompt shows it as it is typed, before the Enter saves it
            # (a busy machine's screenshot caught that, the app closed, and the note was never saved).
            await until(
                pilot,
                lambda: [n.text for n in list_notes(demo_store, "alex", deal_id=deal.id)] == ["typed at once"],
                SLOW,
                what="the note stored",
            )
            await settle(pilot)
            room = app.screen
            assert isinstance(room, DealRoomScreen) and room.deal_id == deal.id  # the prompt closed
            await until(pilot, lambda: "typed at once" in screen_text(app), SLOW, what="the note in the room")

    asyncio.run(run())
    assert [n.text for n in list_notes(demo_store, "alex", deal_id=deal.id)] == ["typed at once"]


def test_enter_on_a_deals_change_in_history_opens_its_room_and_a_gone_deal_goes_back(demo_store: Any) -> None:
    from salessprint.services.deals import delete_deal
    from salessprint.tui.modals.history import HistoryModal

    deal = add_deal(demo_store, "alex", title="From history", account="Initrode", value="300")
    gone = add_deal(demo_store, "alex", title="Gone soon", account="Initrode", value="1")
    app = make_app(demo_store, "alex")

    async def run() -> None:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("H")
            await settle(pilot)
            panel = app.screen
            assert isinstance(panel, HistoryModal)
            row = next(i for i, c in enumerate(panel.changes) if c.entity == "deal" and c.entity_id == deal.id)
            panel.query_one("#history-table").move_cursor(row=row)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, DealRoomScreen) and app.screen.deal_id == deal.id
            await until(pilot, lambda: "From history" in screen_text(app), what="the room")
            await pilot.press("escape")
            await settle(pilot)
            delete_deal(demo_store, "alex", gone.id)
            app.push_screen(DealRoomScreen(gone.id))
            await settle(pilot)
            assert not isinstance(app.screen, DealRoomScreen)
            assert any(f"#{gone.id}" in n for n in notified(app)), notified(app)

    asyncio.run(run())
