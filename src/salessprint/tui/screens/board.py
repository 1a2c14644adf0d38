"""The board: To do / Doing / Done columns of the active sprint's cards.

Cards move with the keyboard; a per-rep filter narrows the columns (and
their WIP figures) to one rep's cards; each column shows its WIP limit
(from the team's settings) and warns when over. Columns hold windows of
cards (services/board.py): the first one when the board opens, the next
as the cursor nears the end of those held, so a sprint of 10,000 cards
opens like one of 200. A moved card goes into its new column from what
`move_card` returned, at once; the reload that follows repaints only
columns someone else changed. Columns are `CardList`s, which draw only
the cards on screen and repaint only the cards that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from salessprint.domain.enums import TaskStatus
from salessprint.domain.text import counted
from salessprint.domain.values import SprintItemView
from salessprint.services.board import BoardView, board, lane_window
from salessprint.services.sprints import move_card
from salessprint.tui.guards import Owned
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.card_list import CardList

LANES = ((TaskStatus.TODO, "To do"), (TaskStatus.DOING, "Doing"), (TaskStatus.DONE, "Done"))


def card_lines(card: SprintItemView, currency: str = "") -> tuple[Text, Text]:
    """A card as two lines of plain text: the title, then owner, points, value, account."""
    title = Text(" ".join(card.title.split()), style="bold")
    details = Text(f"{card.owner_name} · {card.points} pt")
    if card.value is not None:
        details.append(f" · {currency} {card.value:,.0f}".replace("  ", " "))
    if card.account:
        details.append(" · ")
        details.append(" ".join(card.account.split()), style="italic")
    return title, details


class Heading(Label):
    """A line of text that repaints only when its text changes."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._shown: tuple[str, tuple[object, ...]] | None = None

    def show(self, text: Text) -> None:
        """Show `text`, unless it shows that already (then no repaint, no layout)."""
        if self._shown != (text.plain, tuple(text.spans)):
            self._shown = (text.plain, tuple(text.spans))
            self.update(text)


class Lane(Vertical):
    """One column of the board."""

    def __init__(
        self, status: TaskStatus, title: str, render_card: Callable[[SprintItemView], tuple[Text, Text]]
    ) -> None:
        super().__init__(id=f"lane-{status}", classes="lane")
        self.status = status
        self.lane_title = title
        self.render_card = render_card

    def compose(self) -> ComposeResult:
        title = Heading(classes="lane-title")
        title.show(Text(self.lane_title))
        yield title
        yield CardList(self.render_card, id=f"cards-{self.status}", classes="cards")


class BoardScreen(BaseScreen):
    """The active sprint's cards; move them with the keyboard."""

    TITLE_TEXT = "Board"
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

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Heading(id="board-status", classes="screen-status")
        with Horizontal(id="lanes"):
            for status, title in LANES:
                yield Lane(status, title, self._card_lines)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#cards-todo", CardList).focus()

    def _card_lines(self, card: SprintItemView) -> tuple[Text, Text]:
        app = self.app
        return card_lines(card, app.team.currency if app.team else "")

    def reload(self) -> None:
        held = {status.value: len(cards) for status, cards in self.cards.items()}
        call_service(self.app, board, rep=self.rep, held=held, done=self.show_board, group="board")

    def action_reload(self) -> None:
        self.reload()

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
            box = self.query_one(f"#lane-{status}", Lane)
            box.set_class(over, "over-wip")
            self.query_one(f"#lane-{status} .lane-title", Heading).show(heading)
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
        card (just moved) is selected and its lane focused.
        """
        lane = self.query_one(f"#cards-{status}", CardList)
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
                lane.focus()

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

    def _focused_lane(self) -> int:
        for i, (status, _) in enumerate(LANES):
            if self.query_one(f"#cards-{status}", CardList).has_focus:
                return i
        return 0

    def action_focus_lane(self, step: int) -> None:
        i = (self._focused_lane() + step) % len(LANES)
        self.query_one(f"#cards-{LANES[i][0]}", CardList).focus()

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
        self.reload()

    def selected_card(self) -> SprintItemView | None:
        status = LANES[self._focused_lane()][0]
        lane = self.query_one(f"#cards-{status}", CardList)
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
        card = self.selected_card()
        if card is None:
            return
        target = self._focused_lane() + step
        if not 0 <= target < len(LANES):
            return
        status = LANES[target][0]
        call_service(
            self.app,
            move_card,
            card.id,
            status,
            expected_version=card.version,
            done=self._moved,
            failed=lambda _exc: self.reload(),
            group="board-move",
        )

    def _moved(self, card: SprintItemView) -> None:
        """The card as `move_card` returned it goes in place at once (two lanes
        change); the reload behind it only repaints if someone else changed something."""
        new = TaskStatus(card.status)
        for status, _title in LANES:
            held = self.cards[status]
            if any(c.id == card.id for c in held):
                self.cards[status] = [c for c in held if c.id != card.id]
                n, pts = self.counts[status]
                self.counts[status] = (n - 1, pts - card.points)
        held = self.cards[new]
        if not self.more[new] or (held and card.id < held[-1].id):
            self.cards[new] = sorted([*held, card], key=lambda c: c.id)
        n, pts = self.counts[new]
        self.counts[new] = (n + 1, pts + card.points)
        limit = self.wip_limit(new)
        if limit is not None and n + 1 > limit:
            title = dict(LANES)[new]
            self.notify(
                f"{title} now holds {counted(n + 1, 'card')}; its WIP limit is {limit}.",
                title="Over WIP limit",
                severity="warning",
                markup=False,
            )
        self._follow = card.id
        self.render_lanes()
        self.reload()
