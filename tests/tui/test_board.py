"""The board: cards per column, moving with keys, rep filter, WIP limits."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from salessprint.domain.enums import TaskStatus
from salessprint.services.sprints import move_board_card, move_card, sprint_items
from salessprint.tui.screens.board import LANES, BoardScreen, Lane, Lanes
from salessprint.tui.widgets.card_list import CardList
from tests.tui.harness import (
    async_test,
    make_app,
    notified,
    notified_titles,
    screen_text,
    settle,
    type_fast,
    until,
)


def _cards(store: Any, login: str = "alex") -> dict[int, Any]:
    return {c.id: c for c in sprint_items(store, login)}


async def open_board(pilot: Any) -> None:
    """A rep's app opens on Today: the board is key 3."""
    await pilot.press("3")
    await settle(pilot)


def selected(screen: Any, status: str) -> bool:
    """The selection is in lane `status`: lit, while the board's lanes hold the focus."""
    lanes = screen.lanes
    return bool(
        lanes.has_focus
        and screen.selected_lane == status
        and [lane.lit for lane in lanes.lists] == [s == status for s, _ in LANES]
    )


@async_test
async def test_board_opens_first_with_the_team_and_cards(demo_store: Any) -> None:
    app = make_app(demo_store, "maria")  # a manager's first screen (a rep's is Today)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.current_mode == "board"
        text = screen_text(app)
        assert "Northwind Field Sales" in text
        assert "Maria Keller (manager)" in text
        assert selected(app.screen, "todo")
        await pilot.press("right")
        assert selected(app.screen, "doing")
        await pilot.press("left", "left")
        assert selected(app.screen, "done")  # wraps around
        await pilot.press("l")
        assert selected(app.screen, "todo")
        todo = [c for c in sprint_items(demo_store, "alex") if c.status == "todo" and not c.removed]
        assert app.screen.query_one("#cards-todo", CardList).item_count == len(todo)
        assert todo[0].title in text


@async_test
async def test_lanes_never_scroll_sideways(demo_store: Any) -> None:
    """A lane long enough for a vertical scrollbar had a horizontal one under it too
    (its virtual width was the width before the vertical scrollbar came)."""
    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        lanes = list(app.screen.query(CardList))
        assert any(lane.show_vertical_scrollbar for lane in lanes)
        assert not [lane.id for lane in lanes if lane.show_horizontal_scrollbar]


@async_test
async def test_shift_right_moves_my_card_to_doing_in_the_store(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        first = screen.cards[TaskStatus.TODO][0]
        assert first.owner == "alex"  # alex's cards sort first in the demo
        await pilot.press("shift+right")
        await settle(pilot)
        assert _cards(demo_store)[first.id].status == "doing"
        assert first.id in [c.id for c in screen.cards[TaskStatus.DOING]]
        # the moved card stays selected, so a second press moves it on to Done
        assert selected(screen, "doing")
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert _cards(demo_store)[first.id].status == "done"


@async_test
async def test_a_rep_cannot_move_someone_elses_card(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        others = [c for c in screen.cards[TaskStatus.TODO] if c.owner != "alex"]
        index = screen.cards[TaskStatus.TODO].index(others[0])
        screen.query_one("#cards-todo", CardList).highlighted = index
        await pilot.press("shift+right")
        await until(
            pilot,
            lambda: any("may not" in m or "not allowed" in m.lower() or "only" in m.lower() for m in notified(app)),
            what="a notification says I may not",
        )
        await settle(pilot)
        assert _cards(demo_store)[others[0].id].status == "todo"


@async_test
async def test_stale_card_is_reported_not_overwritten(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        card = screen.cards[TaskStatus.TODO][0]
        # Someone else (the manager) moves it to Done meanwhile.
        move_card(demo_store, "maria", card.id, "done", expected_version=card.version)
        await pilot.press("shift+right")
        await until(pilot, lambda: "Changed by someone else" in notified_titles(app))
        await settle(pilot)
        assert _cards(demo_store)[card.id].status == "done"
        # the board reloaded: the card now sits in Done
        assert card.id in [c.id for c in screen.cards[TaskStatus.DONE]]


@async_test
async def test_rep_filter_cycles_through_reps(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        everyone = sum(len(v) for v in screen.cards.values())
        await pilot.press("f")
        await settle(pilot)
        shown = [c for v in screen.cards.values() for c in v]
        assert shown and {c.owner for c in shown} == {screen.rep}
        assert len(shown) < everyone
        assert "Showing: " in screen_text(app)
        for _ in range(20):
            await pilot.press("f")
            await settle(pilot)
            if screen.rep is None:
                break
        assert screen.rep is None
        assert sum(len(v) for v in screen.cards.values()) == everyone


@async_test
async def test_wip_limit_is_shown_and_warned(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        assert app.team is not None
        limit = app.team.wip_doing
        doing = screen.counts[TaskStatus.DOING][0]
        assert doing == len([c for c in sprint_items(demo_store, "alex") if c.status == "doing" and not c.removed])
        assert limit is not None and doing > limit  # the demo team runs over its limit
        assert screen.query_one("#lane-doing", Lane).has_class("over-wip")
        assert not screen.query_one("#lane-done", Lane).has_class("over-wip")
        assert f"WIP {doing}/{limit}" in screen_text(app)
        # moving one more card into Doing warns
        await pilot.press("shift+right")
        await until(pilot, lambda: "Over WIP limit" in notified_titles(app))
        await settle(pilot)


def test_board_snapshot(demo_store: Any, snap_compare: Any) -> None:
    async def ready(pilot: Any) -> None:
        await settle(pilot)
        await open_board(pilot)

    assert snap_compare(make_app(demo_store, "alex"), terminal_size=(140, 40), run_before=ready)


def test_board_projector_snapshot(demo_store: Any, snap_compare: Any) -> None:
    async def ready(pilot: Any) -> None:
        await settle(pilot)
        await open_board(pilot)
        assert pilot.app.theme == "projector"

    assert snap_compare(make_app(demo_store, "alex", theme="projector"), terminal_size=(200, 50), run_before=ready)


@async_test
async def test_a_move_shows_at_once_and_the_answer_repaints_nothing(demo_store: Any, monkeypatch: Any) -> None:
    """The card is in its new lane, selected, before the store has answered (the
    write is held); Done is not touched, nor is the rest of the screen. When the write answers, and when the change
    feed then reports it, no lane draws a line, no heading changes and the board is
    not read again."""
    import threading

    from textual._compositor import Compositor

    from salessprint.services import board as board_service
    from salessprint.tui.live import StoreChanged
    from salessprint.tui.screens import board as board_module

    lines, headings = _count_draws(monkeypatch)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        first = screen.cards[TaskStatus.TODO][0]
        done_items = screen.query_one("#cards-done", CardList).items
        gate = threading.Event()
        write = move_board_card

        def held_write(*args: Any, **kwargs: Any) -> Any:
            gate.wait(20)  # the store answers once the move is on screen
            return write(*args, **kwargs)

        reads: list[int] = []
        read_board = board_service._board_in

        def counted_read(*args: Any, **kwargs: Any) -> Any:
            reads.append(1)
            return read_board(*args, **kwargs)

        full: list[int] = []
        render_full_update = Compositor.render_full_update

        def counted_full(self: Compositor, *args: Any, **kwargs: Any) -> Any:
            full.append(1)
            return render_full_update(self, *args, **kwargs)

        monkeypatch.setattr(board_module, "move_board_card", held_write)
        monkeypatch.setattr(board_service, "_board_in", counted_read)
        monkeypatch.setattr(Compositor, "render_full_update", counted_full)
        lines.clear()
        headings.clear()
        await pilot.press("shift+right")
        await until(pilot, lambda: lines["cards-doing"] > 0, what="Doing repainted")
        assert not full  # the focus went to Doing: no repaint of the whole screen
        doing = screen.query_one("#cards-doing", CardList)
        assert not gate.is_set() and _cards(demo_store)[first.id].status == "todo"  # not written yet
        assert first.id in [c.id for c in doing.items]
        assert first.id not in [c.id for c in screen.query_one("#cards-todo", CardList).items]
        assert selected(screen, "doing") and doing.items[doing.highlighted or 0].id == first.id
        assert lines["cards-todo"] and lines["cards-done"] == 0, lines
        assert screen.query_one("#cards-done", CardList).items is done_items
        assert set(headings) == {"lane-todo", "lane-doing"} and max(headings.values()) == 1, headings
        await settle(pilot)
        lines.clear()
        headings.clear()
        gate.set()
        await until(pilot, lambda: _cards(demo_store)[first.id].status == "doing", what="the move written")
        await settle(pilot)
        app.post_message(StoreChanged(0))  # the change feed's news of my own move
        await settle(pilot)
        assert doing.items[doing.highlighted or 0].id == first.id and selected(screen, "doing")
        assert not lines and not headings, (lines, headings)
        assert not reads  # the board was not read again for a change it shows
        moved = doing.items[doing.highlighted or 0]
        assert moved.version == _cards(demo_store)[first.id].version  # the next write expects the store's version


@pytest.mark.parametrize(
    ("keys", "lane", "statuses"),
    [
        ((">", ">"), TaskStatus.DONE, ["doing", "todo"]),
        ((">", "<"), TaskStatus.TODO, ["doing", "todo"]),
    ],
    ids=["right-right", "right-left"],
)
def test_quick_moves_are_queued_not_refused(
    demo_store: Any, keys: tuple[str, ...], lane: TaskStatus, statuses: list[str]
) -> None:
    """`> >` and `> <` typed at once: the card ends where the keys say, on screen and
    in the store, nothing is refused as stale, and each move is a change of its own:
    undo takes them back one at a time."""
    from salessprint.services.undo import undo

    async def body() -> None:
        app = make_app(demo_store, "alex")
        async with app.run_test(size=(140, 40)) as pilot:
            await settle(pilot)
            await open_board(pilot)
            screen = app.screen
            assert isinstance(screen, BoardScreen)
            card = screen.cards[TaskStatus.TODO][0]
            type_fast(app, *keys)  # both keys arrive before the first write answers
            await settle(pilot)
            assert _cards(demo_store)[card.id].status == lane.value
            shown = screen.query_one(f"#cards-{lane}", CardList)
            assert selected(screen, lane) and shown.items[shown.highlighted or 0].id == card.id
            assert all(card.id not in [c.id for c in screen.cards[s]] for s, _ in LANES if s != lane)
            assert "Changed by someone else" not in notified_titles(app) and not [
                m for m in notified(app) if "since you opened it" in m
            ]
        for status in statuses:
            undo(demo_store, "alex")
            assert _cards(demo_store)[card.id].status == status

    asyncio.run(body())


@async_test
async def test_the_footer_is_not_rebuilt_when_focus_moves_between_lanes(demo_store: Any) -> None:
    """Textual's Footer remounts a widget per key on every focus change; the
    board's keys are the same in every lane, so its footer keeps its widgets."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        footer = app.screen.query_one(Footer)
        keys = list(footer.query(FooterKey))
        assert keys and "Move card right" in screen_text(app)
        await pilot.press("right")
        await pilot.pause()
        await pilot.press("right")
        await settle(pilot)
        assert selected(app.screen, "done")
        after = list(footer.query(FooterKey))
        assert len(after) == len(keys) and all(a is b for a, b in zip(after, keys, strict=True))
        assert "Move card right" in screen_text(app)


@async_test
async def test_a_long_lane_draws_only_the_cards_on_screen() -> None:
    """Five hundred cards: no widget per card, and only the visible ones are
    turned into text; moving down the list scrolls and draws the next ones."""
    from rich.text import Text
    from textual.app import App, ComposeResult

    drawn: list[int] = []

    def render_item(n: int) -> tuple[Text, Text]:
        drawn.append(n)
        return Text(f"card {n}"), Text("details")

    class OneLane(App[None]):
        def compose(self) -> ComposeResult:
            yield CardList(render_item, id="lane")

    app = OneLane()
    async with app.run_test(size=(40, 30)) as pilot:
        lane = app.query_one(CardList)
        lane.set_items(list(range(500)))
        lane.focus()
        await pilot.pause()
        assert len(lane.children) == 0 and len(app.query("*")) < 10
        assert lane.virtual_size.height == 500 * 3 - 1
        assert 0 < len(set(drawn)) <= 11 and max(drawn) <= 10  # 30 lines: ten cards
        await pilot.press("end")
        await pilot.pause()
        assert lane.highlighted == 499 and 499 in drawn
        assert len(set(drawn)) <= 22  # the first screenful and the last, nothing between
        await pilot.press("up")
        assert lane.highlighted == 498


@async_test
async def test_enter_on_a_deal_card_opens_its_room_and_on_a_task_says_why_not(demo_store: Any) -> None:
    from salessprint.tui.screens.deal_room import DealRoomScreen

    app = make_app(demo_store, "maria")
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        todo = screen.cards[TaskStatus.TODO]
        lane = screen.query_one("#cards-todo", CardList)
        lane.focus()
        lane.highlighted = next(i for i, c in enumerate(todo) if c.item_type == "task")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and "Enter opens a deal's room; this card is a task." in notified(app)
        deal = next(i for i, c in enumerate(todo) if c.item_type == "deal")
        lane.highlighted = deal
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DealRoomScreen) and app.screen.deal_id == todo[deal].item_id
        assert todo[deal].title in screen_text(app)


def _count_draws(monkeypatch: Any) -> tuple[Counter[str], Counter[str]]:
    """Lines each lane draws (CardList.render_line by the list's id) and
    headings shown anew (Heading.update by its lane's or its own id), from now on."""
    from salessprint.tui.screens.board import Heading

    lines: Counter[str] = Counter()
    headings: Counter[str] = Counter()
    render_line, update = CardList.render_line, Heading.update

    def counted_line(self: CardList[Any], y: int) -> Any:
        lines[str(self.id)] += 1
        return render_line(self, y)

    def counted_update(self: Heading, *args: Any, **kwargs: Any) -> None:
        headings[str(self.id or (self.parent.id if self.parent else None))] += 1
        update(self, *args, **kwargs)

    monkeypatch.setattr(CardList, "render_line", counted_line)
    monkeypatch.setattr(Heading, "update", counted_update)
    return lines, headings


@async_test
async def test_a_card_move_repaints_its_two_lanes_and_nothing_else_of_the_board(
    demo_store: Any, monkeypatch: Any
) -> None:
    """shift+right on a To do card: To do and Doing draw again (and their
    headings change); Done draws no line, and neither its heading nor the
    status line is set again, also after the reload behind the move."""
    lines, headings = _count_draws(monkeypatch)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        first = screen.cards[TaskStatus.TODO][0]
        lines.clear()
        headings.clear()
        await pilot.press("shift+right")
        await settle(pilot)
        assert first.id in [c.id for c in screen.cards[TaskStatus.DOING]]
        assert lines["cards-todo"] and lines["cards-doing"]
        assert lines["cards-done"] == 0, lines
        assert set(headings) == {"lane-todo", "lane-doing"} and max(headings.values()) == 1, headings


@async_test
async def test_a_cursor_step_repaints_the_two_cards_it_touches(demo_store: Any, monkeypatch: Any) -> None:
    lines, headings = _count_draws(monkeypatch)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        lines.clear()
        headings.clear()
        await pilot.press("down")
        await settle(pilot)
        assert app.screen.query_one("#cards-todo", CardList).highlighted == 1
        # two cards of three lines (title, details, rule), once each
        assert dict(lines) == {"cards-todo": 6} and not headings, (lines, headings)


def _count_whole_repaints(monkeypatch: Any) -> tuple[Counter[str], list[str]]:
    """Lanes and card lists repainted whole (`refresh()` with no region: a heading,
    a scrollbar may be), by id or type, and the lanes' nodes restyled, from now on."""
    from textual.css.stylesheet import Stylesheet
    from textual.widget import Widget

    whole: Counter[str] = Counter()
    restyled: list[str] = []
    refresh, update_nodes = Widget.refresh, Stylesheet.update_nodes

    def in_lanes(node: Any) -> bool:
        return any(getattr(a, "id", None) == "lanes" for a in node.ancestors_with_self)

    def counted_refresh(self: Widget, *regions: Any, **kwargs: Any) -> Any:
        if not regions and kwargs.get("repaint", True) and isinstance(self, Lane | Lanes | CardList):
            whole[self.id or type(self).__name__] += 1
        return refresh(self, *regions, **kwargs)

    def counted_update(self: Stylesheet, nodes: Any, *args: Any, **kwargs: Any) -> Any:
        nodes = list(nodes)
        restyled.extend(str(getattr(n, "id", None) or type(n).__name__) for n in nodes if in_lanes(n))
        return update_nodes(self, nodes, *args, **kwargs)

    monkeypatch.setattr(Widget, "refresh", counted_refresh)
    monkeypatch.setattr(Stylesheet, "update_nodes", counted_update)
    return whole, restyled


def _on_screen(lane: CardList[Any]) -> range:
    top = round(lane.scroll_offset.y)
    return range(top // 3, (top + lane.scrollable_content_region.height) // 3 + 1)


@async_test
async def test_a_step_to_the_next_lane_repaints_the_two_cursor_cards(demo_store: Any, monkeypatch: Any) -> None:
    """right: the selection leaves To do for Doing. The focus stays where it is (on
    the lanes): the two cursor cards repaint, once each, and nothing else; moving
    the focus restyled both lanes (their `:focus-within` border) and repainted
    every line of them."""
    lines, headings = _count_draws(monkeypatch)
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen) and selected(screen, "todo")
        whole, restyled = _count_whole_repaints(monkeypatch)
        lines.clear()
        headings.clear()
        await pilot.press("right")
        await settle(pilot)
        assert selected(screen, "doing")
        assert dict(lines) == {"cards-todo": 3, "cards-doing": 3} and not headings, (lines, headings)
        assert not whole and not restyled, (whole, restyled)


@async_test
async def test_a_card_move_repaints_the_cards_that_changed_and_no_lane_whole(demo_store: Any, monkeypatch: Any) -> None:
    """shift+right: the lines drawn are those of the cards on screen that changed
    place (the moved card's old and new places, the cards below them, the two
    cursor cards), each once; no lane, card list or border is repainted whole nor
    restyled, also after the store's answer."""
    lines, headings = _count_draws(monkeypatch)
    drawn: Counter[tuple[str, int]] = Counter()
    render_line = CardList.render_line

    def counted_line(self: CardList[Any], y: int) -> Any:
        drawn[(str(self.id), y)] += 1
        return render_line(self, y)

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        todo, doing = screen.lane[TaskStatus.TODO].cards, screen.lane[TaskStatus.DOING].cards
        before = {lane.id: [c.id for c in lane.items] for lane in (todo, doing)}
        cursors = {lane.id: lane.highlighted for lane in (todo, doing)}
        first = screen.cards[TaskStatus.TODO][0]
        whole, restyled = _count_whole_repaints(monkeypatch)
        monkeypatch.setattr(CardList, "render_line", counted_line)
        lines.clear()
        headings.clear()
        await pilot.press("shift+right")
        await until(pilot, lambda: _cards(demo_store)[first.id].status == "doing", what="the move written")
        await settle(pilot)
        assert selected(screen, "doing") and doing.items[doing.highlighted or 0].id == first.id
        for lane in (todo, doing):
            after = [c.id for c in lane.items]
            old = before[str(lane.id)]
            changed = {
                i
                for i in _on_screen(lane)
                if i < max(len(old), len(after))
                and (old[i : i + 1] != after[i : i + 1] or i in (cursors[lane.id], lane.highlighted))
            }
            assert 0 < len([y for (lid, y) in drawn if lid == lane.id]) <= 3 * len(changed), (lane.id, changed, lines)
        assert drawn and max(drawn.values()) == 1, [k for k, n in drawn.items() if n > 1]
        assert "cards-done" not in lines
        assert set(headings) == {"lane-todo", "lane-doing"} and max(headings.values()) == 1, headings
        assert not whole and not restyled, (whole, restyled)


@async_test
async def test_a_click_on_a_card_selects_it_in_its_lane(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen) and selected(screen, "todo")
        done = screen.lane[TaskStatus.DONE].cards
        await pilot.click(done, offset=(2, 4))  # the second card's details line
        await settle(pilot)
        assert selected(screen, "done") and done.highlighted == 1
        card = screen.selected_card()
        assert card is not None and card.id == screen.cards[TaskStatus.DONE][1].id


@async_test
async def test_a_lane_resized_draws_each_line_once(monkeypatch: Any) -> None:
    """A new size marks every line and the layout draws them: the list's `Resize`
    handler repainted them all a second time (every lane, as the board opened)."""
    from rich.text import Text
    from textual.app import App, ComposeResult

    drawn: Counter[int] = Counter()

    class OneLane(App[None]):
        def compose(self) -> ComposeResult:
            yield CardList(lambda n: (Text(f"card {n}"), Text("details")), id="lane")

    render_line = CardList.render_line

    def counted(self: CardList[Any], y: int) -> Any:
        drawn[y] += 1
        return render_line(self, y)

    app = OneLane()
    async with app.run_test(size=(40, 30)) as pilot:
        lane = app.query_one(CardList)
        lane.set_items(list(range(5)))
        await pilot.pause()
        monkeypatch.setattr(CardList, "render_line", counted)
        await pilot.resize_terminal(50, 30)
        await until(pilot, lambda: lane.size.width == 50, what="the new size")
        await pilot.pause()
        await pilot.pause()
        assert drawn and max(drawn.values()) == 1, drawn


@async_test
async def test_filtered_by_rep_the_lanes_show_that_reps_wip_on_one_line(demo_store: Any) -> None:
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen) and app.team is not None
        limit = app.team.wip_doing
        team_doing = screen.counts[TaskStatus.DOING][0]
        title = screen.query_one("#lane-doing .lane-title")
        assert f"WIP {team_doing}/{limit} ⚠ over" in screen_text(app) and title.size.height == 1
        await pilot.press("f")
        await settle(pilot)
        assert screen.rep is not None
        mine = [c for c in sprint_items(demo_store, "alex") if c.status == "doing" and c.owner == screen.rep]
        mine = [c for c in mine if not c.removed]
        assert screen.counts[TaskStatus.DOING][0] == len(mine) < team_doing
        assert f"Doing  {len(mine)} card" in screen_text(app) and f"WIP {len(mine)}/{limit}" in screen_text(app)
        assert title.size.height == 1


@pytest.fixture
def big_sprint(sqlite_url: str, frozen: Any) -> Any:
    """A SQLite team whose active sprint holds 10,000 cards."""
    from salessprint.services import open_store
    from salessprint.services.members import add_member
    from salessprint.services.sprints import add_item, plan_sprint, start_sprint
    from salessprint.services.tasks import add_task
    from salessprint.services.team import init_team
    from tests.services.test_board import _fill

    store = open_store(sqlite_url, check_schema=False)
    init_team(store, "Big Team", "ada", "Ada Admin")
    add_member(store, "ada", login="max", name="Max Manager", role="manager")
    add_member(store, "ada", login="rita", name="Rita Rep", role="rep")
    add_member(store, "ada", login="rob", name="Rob Rep", role="rep")
    plan_sprint(store, "max", goal="g")
    add_item(store, "rita", "task", add_task(store, "rita", title="First card", kind="call").id)
    start_sprint(store, "max")
    _fill(store, 10_000)
    yield store
    store.dispose()


@async_test
async def test_a_ten_thousand_card_sprint_holds_a_window_per_lane_and_reads_on_as_you_go(big_sprint: Any) -> None:
    from salessprint.services.board import LANE_WINDOW
    from salessprint.tui.widgets.card_list import AHEAD

    app = make_app(big_sprint, "max")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        todo = screen.query_one("#cards-todo", CardList)
        assert all(len(cards) == LANE_WINDOW for cards in screen.cards.values())
        assert todo.item_count == LANE_WINDOW and todo.more
        assert screen.counts[TaskStatus.TODO][0] == 5001  # half the cards, and the first one
        assert "To do  5001 cards" in screen_text(app)
        todo.focus()
        await pilot.press("end")  # the last card held: the next window is read
        await until(pilot, lambda: todo.item_count == 2 * LANE_WINDOW, what="the next window of To do")
        assert [c.id for c in screen.cards[TaskStatus.TODO]] == sorted(c.id for c in screen.cards[TaskStatus.TODO])
        assert todo.highlighted == LANE_WINDOW - 1 and LANE_WINDOW > AHEAD
        await pilot.press("down")
        assert todo.highlighted == LANE_WINDOW


@async_test
async def test_a_moves_write_and_its_wip_toast_wait_until_the_card_is_drawn(demo_store: Any, monkeypatch: Any) -> None:
    """The write's thread starts once Doing has drawn the card, and the WIP toast
    comes with the store's answer: started with the key, the thread held the GIL
    while the lanes were drawn (in a terminal the card showed no sooner than the
    commit), and the toast's mount and layout came before the lanes' repaint."""
    from salessprint.tui.screens import board as board_module

    lines, _headings = _count_draws(monkeypatch)
    at: dict[str, int] = {}
    write = move_board_card

    def watched_write(*args: Any, **kwargs: Any) -> Any:
        at.setdefault("write", lines["cards-doing"])
        return write(*args, **kwargs)

    monkeypatch.setattr(board_module, "move_board_card", watched_write)
    app = make_app(demo_store, "alex")
    show = app.notify

    def watched_notify(message: Any, *args: Any, **kwargs: Any) -> None:
        if "WIP limit" in str(message):
            at.setdefault("toast", lines["cards-doing"])
        show(message, *args, **kwargs)

    app.notify = watched_notify  # type: ignore[method-assign]
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        first = screen.cards[TaskStatus.TODO][0]
        lines.clear()
        await pilot.press("shift+right")
        await until(pilot, lambda: _cards(demo_store)[first.id].status == "doing", what="the move written")
        await settle(pilot)
        assert at.get("write", 0) > 0, at  # Doing had drawn lines when the write started
        assert at.get("toast", 0) > 0, at
        assert len([m for m in notified(app) if "WIP limit" in m]) == 1
        assert any("WIP limit" in m for m in notified(app))


@async_test
async def test_a_lane_works_out_its_styles_once_per_paint_not_per_line(demo_store: Any, monkeypatch: Any) -> None:
    """`rich_style` walks every ancestor's styles: asked for each of a move's
    eighty-odd lines it cost more than drawing them."""
    from textual.dom import DOMNode

    lines, _headings = _count_draws(monkeypatch)
    asked: Counter[str] = Counter()
    rich_style = DOMNode.rich_style

    def counted(self: DOMNode) -> Any:
        if isinstance(self, CardList):
            asked[str(self.id)] += 1
        return rich_style.fget(self)  # type: ignore[attr-defined]

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        paints: Counter[str] = Counter()
        render_lines = CardList.render_lines

        def counted_paint(self: CardList[Any], crop: Any) -> Any:
            paints[str(self.id)] += 1
            return render_lines(self, crop)

        monkeypatch.setattr(DOMNode, "rich_style", property(counted))
        monkeypatch.setattr(CardList, "render_lines", counted_paint)
        lines.clear()
        await pilot.press("shift+right")
        await settle(pilot)
        assert lines["cards-todo"] > 10 and lines["cards-doing"] > 10, lines
        for lane in ("cards-todo", "cards-doing"):
            assert asked[lane] <= paints[lane], (asked, paints)


@async_test
async def test_work_waiting_for_a_paint_runs_when_nothing_is_drawn(demo_store: Any) -> None:
    """A list that draws nothing (its screen not shown) still runs what waits for its paint."""
    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        lane = app.screen.query_one("#cards-done", CardList)
        await pilot.press("1")  # another screen: the board draws nothing
        await settle(pilot)
        ran: list[int] = []
        lane.call_after_paint(lambda: ran.append(1))
        await until(pilot, lambda: ran, what="the waiting work ran")
        assert ran == [1]


@async_test
async def test_no_garbage_collection_runs_while_a_move_is_drawn(demo_store: Any, monkeypatch: Any) -> None:
    """The paint allocates enough for a full collection now and then (30-140 ms in
    the middle of it): the collector is off from the key until the card is drawn,
    and on again after."""
    import gc

    drawn_with_gc: list[bool] = []
    render_line = CardList.render_line

    def watched(self: CardList[Any], y: int) -> Any:
        if self.id == "cards-doing":
            drawn_with_gc.append(gc.isenabled())
        return render_line(self, y)

    app = make_app(demo_store, "alex")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await open_board(pilot)
        assert gc.isenabled()
        monkeypatch.setattr(CardList, "render_line", watched)
        await pilot.press("shift+right")
        await settle(pilot)
        assert drawn_with_gc and not drawn_with_gc[0], drawn_with_gc
        assert gc.isenabled()
