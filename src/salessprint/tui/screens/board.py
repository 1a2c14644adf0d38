"""The board: To do / Doing / Done columns of the active sprint's cards."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from salessprint.domain.values import SprintItemView
from salessprint.services.sprints import move_card, sprint_items
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service

LANES = (("todo", "To do"), ("doing", "Doing"), ("done", "Done"))


def card_text(card: SprintItemView, currency: str = "") -> Text:
    """A card as plain text: title, then owner, points and value."""
    text = Text(no_wrap=False)
    text.append(card.title, style="bold")
    text.append("\n")
    text.append(f"{card.owner_name} · {card.points} pt")
    if card.value is not None:
        text.append(f" · {currency} {card.value:,.0f}".replace("  ", " "))
    if card.item_type == "deal":
        text.append(" · deal", style="italic")
    return text


class Lane(Vertical):
    """One column of the board."""

    def __init__(self, status: str, title: str) -> None:
        super().__init__(id=f"lane-{status}", classes="lane")
        self.status = status
        self.lane_title = title

    def compose(self) -> ComposeResult:
        yield Label(self.lane_title, classes="lane-title")
        yield OptionList(id=f"cards-{self.status}", classes="cards")


class BoardScreen(BaseScreen):
    """The active sprint's cards; move them with the keyboard."""

    TITLE_TEXT = "Board"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "focus_lane(-1)", "Prev column", id="board.prev_lane", show=False),
        Binding("right", "focus_lane(1)", "Next column", id="board.next_lane", show=False),
        Binding("shift+right,greater_than_sign", "move_card(1)", "Move right", id="board.move_right",
                tooltip="Move the selected card one column right"),
        Binding("shift+left,less_than_sign", "move_card(-1)", "Move left", id="board.move_left",
                tooltip="Move the selected card one column left"),
        Binding("r", "reload", "Refresh", id="board.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, list[SprintItemView]] = {s: [] for s, _ in LANES}

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="lanes"):
            for status, title in LANES:
                yield Lane(status, title)
        yield Label("", id="board-empty")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#cards-todo", OptionList).focus()

    def reload(self) -> None:
        call_service(self.app, sprint_items, done=self.show_cards, group="board")

    def action_reload(self) -> None:
        self.reload()

    def show_cards(self, cards: list[SprintItemView]) -> None:
        app: Any = self.app
        currency = app.team.currency if app.team else ""
        self.cards = {s: [c for c in cards if c.status == s and not c.removed] for s, _ in LANES}
        for status, title in LANES:
            lane = self.query_one(f"#cards-{status}", OptionList)
            highlighted = lane.highlighted
            lane.clear_options()
            lane.add_options([Option(card_text(c, currency), id=str(c.id)) for c in self.cards[status]])
            if self.cards[status]:
                lane.highlighted = min(highlighted or 0, len(self.cards[status]) - 1)
            points = sum(c.points for c in self.cards[status])
            self.query_one(f"#lane-{status} .lane-title", Label).update(
                Text(f"{title}  ({len(self.cards[status])} cards, {points} pt)")
            )
        empty = self.query_one("#board-empty", Label)
        empty.update("" if cards else "No active sprint yet: plan one and pull work in from the backlog.")

    def _focused_lane(self) -> int:
        for i, (status, _) in enumerate(LANES):
            if self.query_one(f"#cards-{status}", OptionList).has_focus:
                return i
        return 0

    def action_focus_lane(self, step: int) -> None:
        i = (self._focused_lane() + step) % len(LANES)
        self.query_one(f"#cards-{LANES[i][0]}", OptionList).focus()

    def action_move_card(self, step: int) -> None:
        i = self._focused_lane()
        status = LANES[i][0]
        lane = self.query_one(f"#cards-{status}", OptionList)
        if lane.highlighted is None or not self.cards[status]:
            return
        card = self.cards[status][lane.highlighted]
        target = i + step
        if not 0 <= target < len(LANES):
            return
        call_service(self.app, move_card, card.id, LANES[target][0], expected_version=card.version,
                     done=lambda _view: self._moved(), group="board-move")

    def _moved(self) -> None:
        self.reload()
