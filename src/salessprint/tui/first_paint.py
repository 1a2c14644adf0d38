"""The app's first frame with data: the header and the board, drawn before the store opens.

The app's first worker reads what this frame shows with the SQLite driver
(`services.first_paint`, no SQLAlchemy, no pydantic) and mounts
`FirstFrame` in place of the loading line; the next worker imports the ORM,
opens the store and opens the real first screen over it, seeded with the same
cards. Nothing here takes keys: typed keys wait for the real screen
(`KeyDeliveryApp.hold_keys_until`). A rep's first screen is Today, which this
frame does not draw: for a rep it is the header alone.

The lines are those of `StatusHeader` and the board screen (`widgets/sprint_card.card_lines`,
the lane headings, the status line); `tests/tui/test_first_paint.py` holds
them equal, as this module may not import theirs (they import pydantic).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from salessprint.domain import clock
from salessprint.domain.text import counted
from salessprint.tui.widgets.card_list import CardList
from salessprint.tui.widgets.safe_text import shown
from salessprint.tui.widgets.sprint_card import card_lines

if TYPE_CHECKING:
    from salessprint.services.first_paint import FirstRead

LANES = (("todo", "To do"), ("doing", "Doing"), ("done", "Done"))


def header_text(read: FirstRead, width: int, title: str = "Board") -> Text:
    """`StatusHeader.render` for the first read's team, sprint and me."""
    team, sprint, me = read.team, read.sprint, read.me
    text = Text(no_wrap=True, overflow="ellipsis")
    wide = width >= 100
    text.append(team["name"], style="bold")
    if title and wide:
        text.append(f"  ›  {title}")
    text.append("   ")
    if sprint is None:
        text.append("No active sprint", style="italic")
    else:
        text.append(f"Sprint {sprint['number']}", style="bold")
        if wide or sprint["state"] != "active":
            text.append(f" ({sprint['state']})", style="bold")
        if sprint["state"] == "active":
            left = (sprint["ends_on"] - clock.team_today(team["timezone"])).days
            text.append(f" · {left} day{'s' if left != 1 else ''} left" if left >= 0 else " · overdue")
    text.append("   ")
    text.append(me["name"], style="bold")
    text.append(f" ({me['role']})")
    store = store_label(read.url)
    if store and wide:
        text.append(f" · {store}", style="dim")
    if sprint is not None and sprint["goal"]:
        text.append("   Goal: ")
        text.append(sprint["goal"], style="italic")
    return shown(text)


def store_label(url: str) -> str:
    """`status_header.store_label` for the URLs the first read takes: the SQLite
    file's name, or the server and database of a shared store (never its password)."""
    if not url.startswith("postgresql"):
        return Path(url.removeprefix("sqlite:///")).expanduser().name
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{user}{parts.hostname or 'localhost'}{port}/{parts.path.removeprefix('/')}"


def lane_heading(title: str, count: int, points: int, limit: int | None) -> tuple[Text, bool]:
    """A lane's heading as the board draws it, and whether the lane is over its WIP limit."""
    heading = Text(f"{title}  {counted(count, 'card')} · {points} pt")
    over = limit is not None and count > limit
    if limit is not None:
        heading.append(f"  WIP {count}/{limit}")
        if over:
            heading.append(" ⚠ over", style="bold")
    return heading, over


def status_line(reps: list[tuple[str, str]]) -> Text:
    """The board's status line with everyone shown."""
    line = Text()
    if not reps:
        line.append(
            "No cards: no active sprint yet, or nothing pulled in. Plan on 2, pull work in from the backlog on 1."
        )
    else:
        line.append("Showing: ")
        line.append("everyone", style="bold")
        line.append("  (f: filter rep)   shift+←/→ or < > moves the selected card")
    return line


class FirstHeader(Static):
    """The header line, drawn for the width it gets (as `StatusHeader`)."""

    DEFAULT_CSS = """
    FirstHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, read: FirstRead, title: str) -> None:
        super().__init__(id="status")
        self.read = read
        self.title_text = title

    def render(self) -> Text:
        return header_text(self.read, self.size.width, self.title_text)


class FirstFrame(Vertical):
    """The header, and the board when the first read holds one."""

    DEFAULT_CSS = """
    FirstFrame { height: 1fr; }
    FirstFrame #first-footer { dock: bottom; height: 1; background: $footer-background; }
    """

    def __init__(self, read: FirstRead) -> None:
        super().__init__(id="first-frame")
        self.read = read

    def compose(self) -> ComposeResult:
        read = self.read
        board = read.board
        yield FirstHeader(read, "Board" if board is not None else "")
        yield Static("", id="first-footer")  # where the footer's keys come: the lanes do not move then
        if board is None:
            yield Static(Text("loading…", style="dim"), classes="screen-status")
            return
        currency = read.team["currency"]
        limits = {"todo": read.team["wip_todo"], "doing": read.team["wip_doing"]}
        yield Static(status_line(board.reps), id="board-status", classes="screen-status")
        with Horizontal(id="lanes"):
            for status, title in LANES:
                lane = board.lanes[status]
                heading, over = lane_heading(title, lane.count, lane.points, limits.get(status))
                with Vertical(id=f"lane-{status}", classes="lane over-wip" if over else "lane"):
                    yield Static(heading, classes="lane-title")
                    yield CardList(lambda card: card_lines(card, currency), id=f"cards-{status}", classes="cards")

    def on_mount(self) -> None:
        if self.read.board is not None:
            for status, _title in LANES:
                self.query_one(f"#cards-{status}", CardList).set_items(self.read.board.lanes[status].cards)
