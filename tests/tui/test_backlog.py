"""The backlog: mine/team, filter as you type, forms, delete, re-rank, pull, pages."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Input

from salessprint.services.backlog import PAGE_SIZE, backlog_page
from salessprint.services.deals import get_deal, list_deals, update_deal
from salessprint.services.sprints import sprint_items
from salessprint.tui.modals.confirm import ConfirmModal
from salessprint.tui.modals.deal_form import DealForm
from salessprint.tui.screens.backlog import WINDOW, BacklogScreen
from salessprint.tui.widgets.row_table import RowTable
from tests.tui.harness import async_test, make_app, notified, notified_titles, screen_text, settle, until


async def open_backlog(pilot: Any) -> BacklogScreen:
    await settle(pilot)
    await pilot.press("1")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BacklogScreen)
    return screen


async def fill(pilot: Any, form: Screen[Any], **values: str) -> None:
    for name, value in values.items():
        field = form.query_one(f"#f-{name}", Input)
        field.focus()
        field.value = ""
        await pilot.press(*value) if value else None
    await pilot.pause()


@async_test
async def test_opens_on_my_items_and_a_toggles_the_team(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        mine = backlog_page(demo_store, "alex", mine=True)
        team = backlog_page(demo_store, "alex", mine=False)
        assert screen.page is not None and screen.page.total == mine.total
        assert {r.owner for r in screen.page.rows} == {"alex"}
        assert "My items" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert screen.page.total == team.total > mine.total
        assert len({r.owner for r in screen.page.rows}) > 1
        assert "Whole team" in screen_text(app)


@async_test
async def test_a_member_with_no_items_of_their_own_sees_the_team(demo_store: Any) -> None:
    app = make_app(demo_store, "maria")  # the manager owns no deals or tasks
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await settle(pilot)
        assert not screen.mine
        assert screen.page is not None and screen.page.total == backlog_page(demo_store, "maria", mine=False).total > 0
        assert "Whole team" in screen_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert screen.mine and screen.page.total == 0  # and `a` still switches back


@async_test
async def test_filter_narrows_as_you_type(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        assert screen.page is not None
        before = screen.page.total
        await pilot.press("slash")
        assert screen.query_one("#backlog-filter", Input).has_focus
        await pilot.press(*"falk")
        await settle(pilot)
        expected = backlog_page(demo_store, "alex", mine=True, text="falk")
        assert 0 < screen.page.total == expected.total < before
        assert all("falk" in f"{r.title} {r.account}".lower() for r in screen.page.rows)
        table = screen.query_one(RowTable)
        assert table.row_count == expected.total
        # by stage and by kind too
        screen.query_one("#backlog-filter", Input).value = ""
        await pilot.press(*"proposal")
        await settle(pilot)
        assert screen.page.rows and all(
            r.stage == "Proposal" or r.kind == "proposal" or "proposal" in r.title.lower() for r in screen.page.rows
        )
        await pilot.press("escape")
        await settle(pilot)
        assert screen.page.total == before
        assert not screen.query_one("#backlog-filter", Input).display


@async_test
async def test_new_deal_is_saved_and_shown(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        assert screen.page is not None
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DealForm)
        await fill(
            pilot,
            form,
            title="Solar roof pilot",
            account="Sonnenhof Hotels",
            value="12,500.50",
            expected_close="2026-12-18",
            points="3",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BacklogScreen)
        deals = [d for d in list_deals(demo_store, "alex", mine=True) if d.title == "Solar roof pilot"]
        assert len(deals) == 1
        assert str(deals[0].value) == "12500.50" and deals[0].points == 3 and deals[0].owner == "alex"
        assert any(r.title == "Solar roof pilot" for r in screen.page.rows) or screen.page.total > WINDOW
        assert "Solar roof pilot" in screen_text(app)


@async_test
async def test_invalid_form_shows_error_beside_field_and_saves_nothing(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_backlog(pilot)
        count = len(list_deals(demo_store, "alex"))
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DealForm)
        await fill(pilot, form, title="Big one", account="Acme", value="lots")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#err-value").render())
        assert "not an amount of money" in error
        assert form.query_one("#row-value").has_class("invalid")
        assert form.query_one("#f-value", Input).has_focus
        assert len(list_deals(demo_store, "alex")) == count
        # fixing the field clears the error and saves
        await fill(pilot, form, value="900")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(list_deals(demo_store, "alex")) == count + 1


@async_test
async def test_stale_edit_is_reported_and_not_overwritten(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        row = screen.selected()
        assert row is not None and row.item_type == "deal"
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DealForm) and form.deal is not None and form.deal.id == row.id
        # The manager edits the same deal meanwhile.
        update_deal(demo_store, "maria", row.id, next_step="Manager's plan")
        await fill(pilot, form, next_step="My plan")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Changed by someone else" in notified_titles(app))
        await settle(pilot)
        assert app.screen is form  # still open, nothing lost
        banner = str(form.query_one("#form-banner").render())
        assert "someone else changed" in banner.lower()
        assert get_deal(demo_store, "alex", row.id).next_step == "Manager's plan"


@async_test
async def test_delete_asks_then_deletes(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        assert screen.page is not None
        row = screen.selected()
        assert row is not None
        total = screen.page.total
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("n")
        await settle(pilot)
        assert screen.page.total == total
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await settle(pilot)
        assert screen.page.total == total - 1
        assert row.id not in [d.id for d in list_deals(demo_store, "alex")]


def test_delete_says_what_is_archived_and_ctrl_z_brings_it_all_back(tmp_path: Any, frozen: Any) -> None:
    from salessprint.services import open_store
    from salessprint.services.archive import list_archived
    from salessprint.services.deals import add_collaborator, add_deal
    from salessprint.services.notes import add_note, list_notes
    from salessprint.services.sprints import add_item, plan_sprint
    from salessprint.services.tasks import add_task, list_tasks
    from tests.team_helpers import make_team

    url = f"sqlite:///{tmp_path / 'archive.db'}"
    make_team(url).dispose()
    store = open_store(url)
    deal = add_deal(store, "rita", title="Hooli rollout", account="Hooli", value="25000")
    add_collaborator(store, "rita", deal.id, "rob")
    add_note(store, "max", "Board approved the budget", deal_id=deal.id)
    add_note(store, "rob", "Their CTO wants a pilot", deal_id=deal.id)
    task = add_task(store, "max", title="Book the pilot", kind="meeting", assignee="rob", deal_id=deal.id)
    plan_sprint(store, "max")
    add_item(store, "rita", "deal", deal.id)

    async def scenario() -> None:
        app = make_app(store, "rita")
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            screen = await open_backlog(pilot)
            await until(pilot, lambda: screen.selected() is not None)
            assert screen.selected().id == deal.id  # type: ignore[union-attr]
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            question = str(app.screen.query_one("#confirm-question").render())
            assert "Hooli rollout" in question
            assert "archived with 2 notes, 1 collaborator, 1 task, 1 sprint card" in question
            assert "ctrl+z brings it all back" in question
            await pilot.press("y")
            await until(pilot, lambda: [a.deal_id for a in list_archived(store, "rita")] == [deal.id])
            await until(pilot, lambda: any(f"Archived deal #{deal.id}." in t for t in notified(app)))
            await until(pilot, lambda: screen.page is not None and screen.page.total == 0)
            assert list_notes(store, "rob") == []

            await pilot.press("ctrl+z")
            await until(pilot, lambda: list_archived(store, "rita") == [])
            await until(pilot, lambda: any("Back with it: 2 notes, 1 collaborator" in t for t in notified(app)))
            await until(pilot, lambda: screen.page is not None and screen.page.total == 1)
            assert sorted(n.text for n in list_notes(store, "rob", deal_id=deal.id)) == [
                "Board approved the budget",
                "Their CTO wants a pilot",
            ]
            assert get_deal(store, "rob", deal.id).collaborators == ["rob"]
            (linked,) = [t for t in list_tasks(store, "rob") if t.id == task.id]
            assert linked.deal_id == deal.id
            (card,) = sprint_items(store, "rita")
            assert card.item_id == deal.id

    import asyncio

    try:
        asyncio.run(scenario())
    finally:
        store.dispose()


@async_test
async def test_rerank_moves_the_item_in_list_and_store(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        assert screen.page is not None
        first, second = screen.page.rows[0], screen.page.rows[1]
        await pilot.press("shift+down")
        await settle(pilot)
        keys = [(r.item_type, r.id) for r in screen.page.rows]
        assert keys.index((first.item_type, first.id)) > keys.index((second.item_type, second.id))
        selected = screen.selected()
        assert selected is not None and selected.id == first.id  # the cursor follows the item
        fresh = backlog_page(demo_store, "alex", mine=True)
        assert [(r.item_type, r.id) for r in fresh.rows] == keys
        await pilot.press("shift+up")
        await settle(pilot)
        assert (screen.page.rows[0].item_type, screen.page.rows[0].id) == (first.item_type, first.id)


@async_test
async def test_pull_puts_the_item_into_the_sprint(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        assert screen.page is not None
        row = next(r for r in screen.page.rows if r.sprint_number is None)
        screen.query_one(RowTable).move_cursor(row=screen.page.rows.index(row))
        await pilot.press("p")
        await settle(pilot)
        pulled = [i for i in sprint_items(demo_store, "alex") if i.item_type == row.item_type and i.item_id == row.id]
        assert len(pulled) == 1 and pulled[0].added_after_start
        assert next(r for r in screen.page.rows if r.id == row.id and r.item_type == row.item_type).sprint_number == 13
        # pulling twice is refused with a plain message
        await pilot.press("p")
        await until(pilot, lambda: any("already in sprint 13" in m for m in notified(app)))
        await settle(pilot)


@async_test
async def test_pages_of_the_team_backlog(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        assert screen.page is not None
        await pilot.press("a")
        await settle(pilot)
        total = screen.page.total
        assert total > WINDOW
        assert len(screen.page.rows) == WINDOW
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.page.offset == WINDOW
        assert len(screen.page.rows) == min(WINDOW, total - WINDOW)
        assert f"{WINDOW + 1:,}–" in screen_text(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.page.offset == 0


def test_backlog_snapshot(demo_store: Any, snap_compare: Any) -> None:
    async def ready(pilot: Any) -> None:
        await open_backlog(pilot)

    assert snap_compare(make_app(demo_store, "alex"), terminal_size=(140, 40), run_before=ready)


@async_test
async def test_new_task_form_checks_points_then_saves(demo_store: Any) -> None:
    from salessprint.services.tasks import list_tasks
    from salessprint.tui.modals.task_form import TaskForm

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_backlog(pilot)
        before = len(list_tasks(demo_store, "alex", mine=True))
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, TaskForm)
        await fill(pilot, form, title="Ring [the] CFO", points="three", due_on="2026-12-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert str(form.query_one("#err-points").render()) == "Points must be a whole number, like 3"
        assert len(list_tasks(demo_store, "alex", mine=True)) == before
        await fill(pilot, form, points="2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        tasks = [t for t in list_tasks(demo_store, "alex", mine=True) if t.title == "Ring [the] CFO"]
        assert len(tasks) == 1 and tasks[0].points == 2 and tasks[0].kind == "call"
        assert str(tasks[0].due_on) == "2026-12-01"


@async_test
async def test_edit_a_task_with_enter(demo_store: Any) -> None:
    from salessprint.services.tasks import get_task
    from salessprint.tui.modals.task_form import TaskForm

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await pilot.press("slash", *"follow")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        row = screen.selected()
        assert row is not None and row.item_type == "task"
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TaskForm) and form.query_one("#f-title", Input).value == row.title
        await fill(pilot, form, title="Follow up: renewal date", points="4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        task = get_task(demo_store, "alex", row.id)
        assert task.title == "Follow up: renewal date" and task.points == 4
        assert task.version == row.version + 1


def held_keys(screen: BacklogScreen) -> list[tuple[str, int]]:
    return [(r.item_type, r.id) for r in screen._rows_cache]


async def press_settled(pilot: Any, key: str, times: int) -> None:
    """One key at a time, each answered (a window fetched on the way is in)."""
    for _ in range(times):
        await pilot.press(key)
        await settle(pilot)


@async_test
async def test_the_table_holds_windows_fetched_as_the_cursor_moves(demo_store: Any, monkeypatch: Any) -> None:
    """More rows than a window: the table holds a window, moving down to its end
    fetches the next one (keyset), at most MAX_WINDOWS are held, moving up
    fetches earlier ones again, and a reload keeps the selected item."""
    from salessprint.tui.screens import backlog as backlog_screen

    monkeypatch.setattr(backlog_screen, "WINDOW", 10)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await pilot.press("a")
        await settle(pilot)
        whole = [(r.item_type, r.id) for r in backlog_page(demo_store, "alex", mine=False).rows]
        assert len(whole) == PAGE_SIZE  # the demo team has more than 60 open items
        table = screen.query_one(RowTable)
        assert table.row_count == 10 and held_keys(screen) == whole[:10]
        assert "1–10 of" in screen_text(app)

        def at() -> int:
            row = screen.selected()
            assert row is not None
            return whole.index((row.item_type, row.id))

        start = at()  # the cursor stayed on the item it was on in my list
        await press_settled(pilot, "down", 9 - start)  # to the last row held
        assert table.row_count == 20 and held_keys(screen) == whole[:20]
        await press_settled(pilot, "down", 50)  # on to row 59
        assert at() == 59
        assert table.row_count == 10 * backlog_screen.MAX_WINDOWS
        first = screen.held_offset
        assert first > 0 and held_keys(screen) == whole[first : first + table.row_count]
        assert f"{first + 1:,}–{first + table.row_count:,} of" in screen_text(app)
        # a reload (after a write, or `r`) keeps the cursor on the same item
        await pilot.press("r")
        await settle(pilot)
        assert at() == 59
        # back up to the top: earlier windows come back
        await press_settled(pilot, "up", 59)
        assert at() == 0 and screen.held_offset == 0 and held_keys(screen)[0] == whole[0]
        assert table.row_count <= 10 * backlog_screen.MAX_WINDOWS


@async_test
async def test_filter_queries_at_once_without_a_debounce(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await pilot.press("slash", *"falk")
        await settle(pilot)  # no pause for a debounce timer
        expected = backlog_page(demo_store, "alex", mine=True, text="falk")
        assert screen.page is not None and screen.page.text == "falk"
        assert [r.id for r in screen.page.rows] == [r.id for r in expected.rows]


@async_test
async def test_a_form_shows_every_error_at_once_in_plain_words(demo_store: Any) -> None:
    from salessprint.tui.modals.deal_form import DealForm

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_backlog(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DealForm)
        await fill(pilot, form, title="", account="", value="lots")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        errors = {name: str(form.query_one(f"#err-{name}").render()) for name in ("title", "account", "value")}
        assert errors == {
            "title": "Title is required",
            "account": "Account is required",
            "value": "'lots' is not an amount of money",
        }


@async_test
async def test_a_filter_keystroke_repaints_only_what_changed(demo_store: Any, monkeypatch: Any) -> None:
    """Per keystroke: a few statements; the table repaints only the lines on
    screen whose row changed (none when the answer shows the same rows) and is
    never repainted whole while its top stays; the status line is updated
    without a relayout of the screen while it stays one line."""
    from sqlalchemy import event
    from textual.widgets import Label

    calls = {"lines": 0, "whole": 0, "status_layouts": 0, "statements": 0}
    line, whole, label_refresh = RowTable.refresh_line, RowTable.refresh, Label.refresh

    def refresh_line(self: RowTable, y: int) -> None:
        calls["lines"] += 1
        line(self, y)

    def refresh(self: RowTable, *regions: Any, **kwargs: Any) -> Any:
        if not regions:
            calls["whole"] += 1
        return whole(self, *regions, **kwargs)

    def status_refresh(self: Label, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
        if self.id == "backlog-scope" and layout:
            calls["status_layouts"] += 1
        return label_refresh(self, *regions, layout=layout, **kwargs)

    monkeypatch.setattr(RowTable, "refresh_line", refresh_line)
    monkeypatch.setattr(RowTable, "refresh", refresh)
    monkeypatch.setattr(Label, "refresh", status_refresh)
    event.listen(
        demo_store.engine, "before_cursor_execute", lambda *_a: calls.update(statements=calls["statements"] + 1)
    )

    async def keystroke(key: str) -> dict[str, int]:
        for name in calls:
            calls[name] = 0
        await pilot.press(key)
        await settle(pilot)
        return dict(calls)

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await pilot.press("a")  # the team's list: more rows than the screen shows
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        table = screen.query_one(RowTable)
        visible = table.scrollable_content_region.height - 1
        assert table.row_count > visible

        first = await keystroke("f")  # a new list: every line on screen may change
        assert screen.page is not None and screen.page.text == "f"
        assert first["whole"] == 0 and 0 < first["lines"] <= visible + 2
        assert first["status_layouts"] == 0
        assert first["statements"] <= 8

        for key in "alk":  # fewer rows: lines go blank, the rest of the screen stays
            narrowed = await keystroke(key)
            # Two letters ask the trigram tables for the trigrams holding them first (two more).
            assert narrowed["status_layouts"] == 0 and narrowed["statements"] <= (10 if key == "a" else 8)
            # A new row count neither lays the screen out nor repaints the whole table.
            assert narrowed["whole"] == 0 and narrowed["lines"] <= visible + 2
        assert screen.page.text == "falk" and screen._rows_cache

        held = [(r.item_type, r.id) for r in screen._rows_cache]
        same = await keystroke("space")  # "falk " finds what "falk" found
        assert screen.page.text == "falk " and [(r.item_type, r.id) for r in screen._rows_cache] == held
        assert same["lines"] == 0 and same["whole"] == 0 and same["status_layouts"] == 0
        assert same["statements"] <= 8


@async_test
async def test_typing_in_the_filter_does_not_lay_the_screen_out_again(demo_store: Any, monkeypatch: Any) -> None:
    """`Input` asks for a layout of the screen whenever its text's width
    changes (its `virtual_size`), so every letter typed laid out and drew the
    whole backlog again: the filter box repaints itself only. A text longer
    than the box still scrolls to keep the cursor in view."""
    layouts = {"n": 0}
    original = Input.refresh

    def counted(self: Input, *regions: Any, layout: bool = False, **kwargs: Any) -> Any:
        if layout and self.id == "backlog-filter":
            layouts["n"] += 1
        return original(self, *regions, layout=layout, **kwargs)

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        box = screen.query_one("#backlog-filter", Input)
        monkeypatch.setattr(Input, "refresh", counted)
        for key in "acm":
            await pilot.press(key)
            await settle(pilot)
        assert screen.page is not None and screen.page.text == "acm"
        assert layouts["n"] == 0
        long = "x" * (box.content_region.width + 20)
        await pilot.press(*long)
        await settle(pilot)
        assert box.value == "acm" + long and box.scroll_offset.x > 0
        assert "x" * 10 in screen_text(app)


@async_test
async def test_the_filter_gets_ready_when_its_box_first_opens_not_with_the_first_window(
    demo_store: Any, monkeypatch: Any
) -> None:
    """`learn_filter` (the filter's statements and trigram letters) was a
    seventh of the backlog's first open: a list only looked at no longer pays
    for it. The first `/` asks for it, once; the filter then works as before."""
    from salessprint.services import backlog as backlog_service
    from salessprint.tui.screens import backlog as backlog_screen

    asked: list[bool] = []

    def learn(store: Any, login: str, *, mine: bool = False) -> None:
        asked.append(mine)
        backlog_service.learn_filter(store, login, mine=mine)

    monkeypatch.setattr(backlog_screen, "learn_filter", learn)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_backlog(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert screen.page is not None and screen.page.total > 0
        assert asked == []
        await pilot.press("slash")
        await settle(pilot)
        assert asked == [False]  # the team's list is on screen
        await pilot.press(*"falk", "enter")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert asked == [False]
        assert screen.page.text == "falk" and screen.page.rows
