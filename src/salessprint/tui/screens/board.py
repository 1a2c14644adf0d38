"""The board: To do / Doing / Done columns of the active sprint's cards.

Cards move with the keyboard; a per-rep filter narrows the columns (and
their WIP figures) to one rep's cards; each column shows its WIP limit
(from the team's settings) and warns when over. Columns hold windows of
cards (services/board.py): the first one when the board opens, the next
as the cursor nears the end of those held, so a sprint of 10,000 cards
opens like one of 200. Columns are `CardList`s, which draw only the cards
on screen and repaint only the cards that changed.

The focus stays on one widget, `Lanes`, which lights the lane the selection
is in (`CardList.lit`) and steers its cursor: a move or a step to the next lane
repaints the cursor's card in each of the two lanes, where moving the focus
from lane to lane restyled both (their `:focus-within` border) and repainted
every line of them.

A move shows at once: the card goes into its new column before the store
has answered (only the two columns' changed lines repaint), and the write
follows in a worker, started once those lines are drawn (`CardList.call_after_paint`):
a worker started with the key held the GIL while the lanes were being drawn,
so the card showed no sooner than the commit. The garbage collector waits
for that paint too. A card's moves are queued like the pipeline's
(`PendingMove`): one write on its way at a time, each sent with the version
the previous one returned, the last column asked for winning, so `> >` typed
at once moves it two columns and nothing is refused as stale. A refused
move puts the card back where the store has it, with the service's message.
The change feed's news of my own moves reads nothing
(`services.board.board_update`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Label

from salessprint.domain.enums import TaskStatus
from salessprint.domain.errors import SalesSprintError
from salessprint.domain.text import counted
from salessprint.domain.values import SprintItemView
from salessprint.services.board import BoardUpdate, BoardView, board_update, lane_window
from salessprint.services.sprints import CardMoved, move_board_card
from salessprint.tui.guards import Owned
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.card_list import CardList
from salessprint.tui.widgets.sprint_card import card_lines

LANES = ((TaskStatus.TODO, "To do"), (TaskStatus.DOING, "Doing"), (TaskStatus.DONE, "Done"))


class Heading(Label):
    """A line of text that repaints only when its text changes."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._shown: tuple[str, tuple[object, ...]] | None = None

    def show(self, text: Text) -> None:
        """Show `text`, unless it shows that already (then no repaint, no layout).

        A text that fits on one line where the old one did repaints the line
        alone: the screen's layout is only redone when the height may change."""
        if self._shown == (text.plain, tuple(text.spans)):
            return
        width = self.content_region.width
        one_line = self._shown is not None and width > 0 and max(cell_len(self._shown[0]), text.cell_len) <= width
        self._shown = (text.plain, tuple(text.spans))
        self.update(text, layout=not one_line)


class LaneCards(CardList[SprintItemView], can_focus=False):
    """A lane's cards. The focus stays on `Lanes`: focusing a lane lights it instead."""

    def focus(self, scroll_visible: bool = True) -> Self:
        lanes = next((a for a in self.ancestors if isinstance(a, Lanes)), None)
        if lanes is not None:
            lanes.select(lanes.lists.index(self))
        return self


class Lane(Vertical):
    """One column of the board."""

    def __init__(
        self, status: TaskStatus, title: str, render_card: Callable[[SprintItemView], tuple[Text, Text]]
    ) -> None:
        super().__init__(id=f"lane-{status}", classes="lane")
        self.status = status
        self.lane_title = title
        self.heading = Heading(classes="lane-title")
        self.cards = LaneCards(render_card, id=f"cards-{status}", classes="cards")

    def compose(self) -> ComposeResult:
        self.heading.show(Text(self.lane_title))
        yield self.heading
        yield self.cards


class Lanes(Horizontal, can_focus=True):
    """The board's lanes, and the board's one focusable widget: it keeps the focus
    while the selection goes from lane to lane (`select`), lights the lane it is in
    and sends the cursor keys there."""

    BINDINGS: ClassVar[list[BindingType]] = list(CardList.BINDINGS)  # sent to the lit lane (ids kept for keymaps)

    def __init__(self, lanes: list[Lane]) -> None:
        super().__init__(*lanes, id="lanes")
        self.lists: list[CardList[SprintItemView]] = [lane.cards for lane in lanes]
        self.active = 0
        """The lane the selection is in (an index into `lists`)."""

    @property
    def cards(self) -> CardList[SprintItemView]:
        """The card list the selection is in."""
        return self.lists[self.active]

    def select(self, index: int) -> None:
        """Put the selection in lane `index`: the cursor's card of it and of the lane it
        leaves repaint, nothing else (no focus change, no restyle)."""
        self.active = index
        if self.has_focus:
            self._light(True)
        else:
            self.focus()  # lit once it has the focus

    def _light(self, focused: bool) -> None:
        for i, cards in enumerate(self.lists):
            cards.lit = focused and i == self.active

    def watch_has_focus(self, has_focus: bool) -> None:
        # Textual's restyles this widget and everything in it (the whole board) when
        # its focus changes; no style of the board follows this widget's focus.
        self._light(has_focus)

    def on_click(self, event: events.Click) -> None:
        """A click in a lane (its card list has moved its cursor) puts the selection there."""
        node: DOMNode | None = event.widget
        while node is not None and node is not self:
            if isinstance(node, Lane):
                self.select(self.lists.index(node.cards))
                return
            node = node.parent

    def action_cursor(self, step: int) -> None:
        self.cards.action_cursor(step)

    def action_page(self, step: int) -> None:
        self.cards.action_page(step)

    def action_first(self) -> None:
        self.cards.action_first()

    def action_last(self) -> None:
        self.cards.action_last()


@dataclass
class PendingMove:
    """A card's moves on their way to the store: sent one at a time, the last one wins."""

    card: SprintItemView
    """The card as the store last returned it (its version is what the next write expects)."""
    target: TaskStatus
    """The column the user last asked for."""
    warning: str | None = None
    """The WIP limit that column is over, said once the store has the card there."""


class BoardScreen(BaseScreen):
    """The active sprint's cards; move them with the keyboard."""

    TITLE_TEXT = "Board"
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's, without its repaint of the whole screen: the widgets whose look
    follows the focus repaint themselves."""
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the card lists would otherwise take left/right to scroll sideways
        Binding(
            "left,h",
            "focus_lane(-1)",
            "Previous column",
            id="board.prev_lane",
            show=False,
            priority=True,
            tooltip="Go to the column on the left",
        ),
        Binding(
            "right,l",
            "focus_lane(1)",
            "Next column",
            id="board.next_lane",
            show=False,
            priority=True,
            tooltip="Go to the column on the right",
        ),
        Binding(
            "shift+right,greater_than_sign",
            "move_card(1)",
            "Move card right",
            id="board.move_right",
            tooltip="Move the selected card one column right",
        ),
        Binding(
            "shift+left,less_than_sign",
            "move_card(-1)",
            "Move card left",
            id="board.move_left",
            tooltip="Move the selected card one column left",
        ),
        Binding(
            "f",
            "filter_rep",
            "Filter rep",
            id="board.filter_rep",
            tooltip="Show one rep's cards; press again for the next rep, then everyone",
        ),
        Binding("enter", "open_card", "Open deal", id="board.open", tooltip="Open the selected deal's room"),
        Binding("r", "reload", "Refresh", id="board.refresh", show=False, tooltip="Reload from the store"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[TaskStatus, list[SprintItemView]] = {s: [] for s, _ in LANES}
        """The cards each lane holds (its windows read so far)."""
        self.counts: dict[TaskStatus, tuple[int, int]] = {s: (0, 0) for s, _ in LANES}
        """Cards and points in each lane (of the rep filtered on), as the store counted them."""
        self.more: dict[TaskStatus, bool] = {s: False for s, _ in LANES}
        self.reps: list[tuple[str, str]] = []
        """(name, login) of everyone with cards on the board."""
        self.rep: str | None = None
        """Login whose cards are shown, or None for everyone."""
        self._follow: int | None = None
        """A card id to select (and focus its lane) at the next paint: the card just moved."""
        self._painted = False
        self._moves: dict[int, PendingMove] = {}
        """Cards with a move on its way to the store, by card id."""
        self._placed = 0
        """Moves shown so far: a read asked for before the last one is out of date when it answers."""
        self._seen: int | None = None
        """The newest change when the board was last read; None: read it whole next time."""
        self._mine: set[int] = set()
        """Changes my moves wrote since then (shown already)."""
        self._stale = False
        """A reload was asked for while moves were on their way: read once they are written."""
        self.lane = {status: Lane(status, title, self._card_lines) for status, title in LANES}
        """Each lane by its status."""
        self.lanes = Lanes(list(self.lane.values()))
        """The lanes, the widget that holds the board's focus."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Heading(id="board-status", classes="screen-status")
        yield self.lanes
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.lanes.focus()

    def _card_lines(self, card: SprintItemView) -> tuple[Text, Text]:
        app = self.app
        return card_lines(card, app.team.currency if app.team else "")

    def reload(self) -> None:
        """Read the board (the change feed calls this): nothing is read when only my own moves changed it."""
        if self._moves:
            self._stale = True  # the card would jump back to where the store has it for now
            return
        self._stale = False
        held = {status.value: len(cards) for status, cards in self.cards.items()}
        placed = self._placed

        def got(found: BoardUpdate) -> None:
            if placed != self._placed or self._moves:
                self.reload()  # read before a move I made since: ask again (once the moves are written)
                return
            self._seen = found.newest_change
            self._mine = {change for change in self._mine if change > found.newest_change}
            if found.board is not None:
                self.show_board(found.board)

        call_service(
            self.app,
            board_update,
            rep=self.rep,
            held=held,
            seen=self._seen,
            shown=frozenset(self._mine),
            done=got,
            group="board",
        )

    def read_whole(self) -> None:
        """Read the board whole, whatever the change log says."""
        self._seen = None
        self.reload()

    def on_screen_resume(self) -> None:
        self._seen = None  # back from another screen: read it whole
        super().on_screen_resume()

    def action_reload(self) -> None:
        self.read_whole()

    def wip_limit(self, status: TaskStatus) -> int | None:
        app = self.app
        if app.team is None:
            return None
        return {TaskStatus.TODO: app.team.wip_todo, TaskStatus.DOING: app.team.wip_doing}.get(status)

    def show_board(self, view: BoardView) -> None:
        """Put the store's answer on screen; lanes, headings and lines that did not change are left alone."""
        if view.rep != self.rep:
            return  # an answer for a filter the user has already moved past
        self.reps = view.reps
        for status, _title in LANES:
            lane = view.lanes[status.value]
            self.cards[status] = lane.cards
            self.counts[status] = (lane.count, lane.points)
            self.more[status] = lane.more
        self.render_lanes()

    def render_lanes(self) -> None:
        """Fill the lanes from `cards`; a lane whose cards did not change is left alone."""
        for status, title in LANES:
            self._fill_lane(status)
            count, points = self.counts[status]
            heading = Text(f"{title}  {counted(count, 'card')} · {points} pt")
            limit = self.wip_limit(status)
            over = limit is not None and count > limit
            if limit is not None:
                heading.append(f"  WIP {count}/{limit}")
                if over:
                    heading.append(" ⚠ over", style="bold")
            box = self.lane[status]
            box.set_class(over, "over-wip")
            box.heading.show(heading)
        self._follow = None
        self._painted = True
        status_line = Text()
        if not self.reps:
            status_line.append(
                "No cards: no active sprint yet, or nothing pulled in. Plan on 2, pull work in from the backlog on 1."
            )
        else:
            status_line.append("Showing: ")
            if self.rep is None:
                status_line.append("everyone", style="bold")
            else:
                name = next((n for n, login in self.reps if login == self.rep), self.rep)
                status_line.append(name, style="bold")
            status_line.append("  (f: filter rep)   shift+←/→ or < > moves the selected card")
        self.query_one("#board-status", Heading).show(status_line)

    def _fill_lane(self, status: TaskStatus) -> None:
        """Put a lane's cards in its list, keeping the selection on the same card.

        Only a lane whose cards changed gets new items (a card move touches two
        lanes); the list repaints only the cards that changed. The followed
        card (just moved) is selected and its lane lit.
        """
        lane = self.lane[status].cards
        cards = self.cards[status]
        before = lane.items
        lane.more = self.more[status]
        if cards != before:
            highlighted = lane.highlighted
            selected = before[highlighted].id if highlighted is not None and highlighted < len(before) else None
            index = next((i for i, c in enumerate(cards) if c.id == selected), None)
            lane.set_items(cards, highlighted=index)
        if self._follow is not None:
            index = next((i for i, c in enumerate(cards) if c.id == self._follow), None)
            if index is not None:
                lane.highlighted = index
                self.lanes.select(self.lanes.lists.index(lane))

    def on_card_list_near_end(self, event: CardList.NearEnd) -> None:
        """The cursor nears the last card a lane holds: read the lane's next window."""
        status = next((s for s, _ in LANES if event.card_list.id == f"cards-{s}"), None)
        if status is None or not self.more[status] or not self.cards[status]:
            return
        rep, last = self.rep, self.cards[status][-1].id

        def got(found: tuple[list[SprintItemView], bool]) -> None:
            cards, more = found
            held = self.cards[status]
            if rep != self.rep or not held or held[-1].id != last:
                return  # the lane changed meanwhile: its next reload says what follows
            self.cards[status] = [*held, *cards]
            self.more[status] = more
            lane = event.card_list
            lane.more = more
            lane.append_items(cards)

        call_service(
            self.app, lane_window, status.value, after=last, rep=rep, done=got, group=f"board-lane-{status.value}"
        )

    @property
    def selected_lane(self) -> TaskStatus:
        """The lane the selection is in."""
        return LANES[self.lanes.active][0]

    def _focused_lane(self) -> int:
        return self.lanes.active

    def action_focus_lane(self, step: int) -> None:
        self.lanes.select((self.lanes.active + step) % len(LANES))

    def action_filter_rep(self) -> None:
        logins = [login for _name, login in self.reps]
        if not logins:
            self.rep = None
        elif self.rep is None:
            self.rep = logins[0]
        else:
            i = logins.index(self.rep) if self.rep in logins else -1
            self.rep = logins[i + 1] if i + 1 < len(logins) else None
        self.cards = {s: [] for s, _ in LANES}  # another list: read from its top
        self.read_whole()

    def selected_card(self) -> SprintItemView | None:
        status = self.selected_lane
        lane = self.lane[status].cards
        if lane.highlighted is None or lane.highlighted >= len(self.cards[status]):
            return None
        return self.cards[status][lane.highlighted]

    def selected_owner(self) -> Owned | None:
        """Whose the selected card is (checked before a move: `tui.guards`)."""
        card = self.selected_card()
        return None if card is None else Owned.of(card.item_type, card.owner, card.owner_name, card.item_id)

    def action_open_card(self) -> None:
        """Enter on a deal's card opens its deal room (a task's card has none)."""
        card = self.selected_card()
        if card is None:
            return
        if card.item_type != "deal" or card.deleted:
            self.notify("Enter opens a deal's room; this card is a task.", markup=False)
            return
        from salessprint.tui.screens.deal_room import DealRoomScreen

        self.app.push_screen(DealRoomScreen(card.item_id))

    def action_move_card(self, step: int) -> None:
        """Show the selected card in the next column now and write it: at once, or after its write on its way."""
        card = self.selected_card()
        if card is None:
            return
        target = self._focused_lane() + step
        if not 0 <= target < len(LANES):
            return
        status = LANES[target][0]
        move = self._moves.get(card.id)
        first = move is None
        if move is None:
            move = self._moves[card.id] = PendingMove(card, status)
        else:
            move.target = status
        self._placed += 1
        # No collection while the lanes are drawn: the paint allocates a few thousand
        # short-lived objects, enough for a full collection now and then (30-140 ms).
        collect = gc.isenabled()
        gc.disable()

        def drawn() -> None:
            if first:  # the write goes to this column, not a later key's: a write (and an undo) per key
                self._send(move, status)
            if collect:
                gc.enable()

        move.warning = self._place(
            card.model_copy(update={"status": status.value}), LANES[target - step][0], then=drawn
        )

    def _send(self, move: PendingMove, target: TaskStatus | None = None) -> None:
        def moved(found: CardMoved) -> None:
            move.card = found.card
            self._mine.update(found.changes)
            if found.card.status != move.target.value:
                self._send(move)  # a later key asked for another column meanwhile
                return
            del self._moves[move.card.id]
            self._place(found.card, move.target, follow=False)  # the store's card (its new version), drawn as shown
            if move.warning is not None:
                # after the write, not with the paint: the toast's mount and layout would slow the write down
                self.notify(move.warning, title="Over WIP limit", severity="warning", markup=False)
            if not self._moves and self._stale:
                self.reload()

        def failed(_exc: SalesSprintError) -> None:
            # The service's message says why (call_service shows it); the card goes
            # back to where the store last had it, and the board is read afresh.
            self._moves.pop(move.card.id, None)
            self._place(move.card, move.target)
            self.read_whole()

        call_service(
            self.app,
            move_board_card,
            move.card.id,
            (target or move.target).value,
            expected_version=move.card.version,
            done=moved,
            failed=failed,
        )

    def _place(
        self, card: SprintItemView, was: TaskStatus, *, follow: bool = True, then: Callable[[], object] | None = None
    ) -> str | None:
        """Put `card`, shown in column `was`, in the column of its status: two columns
        change (their counts too), the others are left alone; with `follow` the selection
        goes with it. A column holding only a window of a longer one does not take a card
        whose place is past its window. `then` runs once the card is drawn. Returns the
        warning to give if its new column is now over its WIP limit."""
        new = TaskStatus(card.status)
        toast: str | None = None
        if was == new:
            self.cards[new] = [card if c.id == card.id else c for c in self.cards[new]]
        else:
            self.cards[was] = [c for c in self.cards[was] if c.id != card.id]
            n, pts = self.counts[was]
            self.counts[was] = (n - 1, pts - card.points)
            held = self.cards[new]
            if not self.more[new] or (held and card.id < held[-1].id):
                self.cards[new] = sorted([*held, card], key=lambda c: c.id)
            n, pts = self.counts[new]
            self.counts[new] = (n + 1, pts + card.points)
            limit = self.wip_limit(new)
            if limit is not None and n + 1 > limit:
                toast = f"{dict(LANES)[new]} now holds {counted(n + 1, 'card')}; its WIP limit is {limit}."
        if follow:
            self._follow = card.id
        self.render_lanes()
        shown = new if any(c.id == card.id for c in self.cards[new]) else was
        lane = self.lane[shown].cards
        if then is not None:
            lane.call_after_paint(then)
        return toast
