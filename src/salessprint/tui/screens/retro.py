"""The retrospective: went well / to improve / actions, with votes.

Shows the active sprint's retro (else the last closed one); `[` and `]`
step to other sprints. `a` adds an entry to the focused column (an action
gets an owner and becomes their task in the next sprint), `v` votes (again
to take the vote back), `d` deletes an entry that has not become a task.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from salessprint.domain.enums import RetroColumn
from salessprint.services.retro import RetroBoardView, RetroEntryView, delete_entry, retro_board, vote
from salessprint.tui.guards import Owned
from salessprint.tui.modals.retro_entry import COLUMN_TITLES, RetroEntryModal
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service

COLUMNS = tuple(RetroColumn)


def entry_text(entry: RetroEntryView, voted: bool) -> Text:
    """An entry as plain text: what was written, then votes, author, owner."""
    text = Text(no_wrap=False)
    text.append(entry.text)
    text.append("\n")
    text.append(f"▲ {entry.votes}", style="bold" if voted else "")
    if voted:
        text.append(" (you)", style="italic")
    text.append(f" · {entry.author}", style="dim")
    if entry.column == RetroColumn.ACTION and entry.owner:
        text.append(f" · owner {entry.owner}")
        if entry.task_id is not None:
            text.append(f" · task #{entry.task_id}", style="italic")
    return text


class RetroScreen(BaseScreen):
    """Went well, to improve, actions: add, vote, turn actions into tasks."""

    TITLE_TEXT = "Retrospective"
    DEFAULT_CSS = """
    RetroScreen #retro-info {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    RetroScreen #retro-columns {
        height: 1fr;
    }
    RetroScreen .retro-column {
        width: 1fr;
        border: round $panel;
        padding: 0 1;
    }
    RetroScreen .retro-column:focus-within {
        border: round $primary;
    }
    RetroScreen .column-title {
        text-style: bold;
        width: 1fr;
    }
    RetroScreen #col-went_well .column-title { color: $lane-done; }
    RetroScreen #col-to_improve .column-title { color: $lane-doing; }
    RetroScreen #col-action .column-title { color: $lane-todo; }
    /* :focus too: OptionList's own `:focus` border ties with this rule and,
       when its CSS happens to load later, would win */
    RetroScreen .entries, RetroScreen .entries:focus {
        height: 1fr;
        border: none;
        background: $surface;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left",
            "focus_column(-1)",
            "Prev column",
            id="retro.prev_column",
            show=False,
            tooltip="Focus the column to the left",
        ),
        Binding(
            "right",
            "focus_column(1)",
            "Next column",
            id="retro.next_column",
            show=False,
            tooltip="Focus the column to the right",
        ),
        Binding("a", "add", "Add entry", id="retro.add", tooltip="Add an entry to the focused column"),
        Binding(
            "v",
            "vote",
            "Vote",
            id="retro.vote",
            tooltip="Vote for the selected entry (press again to take the vote back)",
        ),
        Binding(
            "d",
            "delete",
            "Delete entry",
            id="retro.delete",
            tooltip="Delete the selected entry: press twice (not once an action became a task)",
        ),
        Binding(
            "left_square_bracket",
            "sprint(-1)",
            "Prev sprint",
            id="retro.prev_sprint",
            tooltip="Show the retrospective of the sprint before",
        ),
        Binding(
            "right_square_bracket",
            "sprint(1)",
            "Next sprint",
            id="retro.next_sprint",
            tooltip="Show the retrospective of the sprint after",
        ),
        Binding("r", "reload", "Refresh", id="retro.refresh", tooltip="Load the retrospective again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board: RetroBoardView | None = None
        self.number: int | None = None
        self.entries: dict[RetroColumn, list[RetroEntryView]] = {c: [] for c in COLUMNS}
        self.pending_delete: int | None = None
        """The entry a first `d` asked about; a second `d` on it deletes it."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static("Loading the retrospective…", id="retro-info")
        with Horizontal(id="retro-columns"):
            for column in COLUMNS:
                with Vertical(id=f"col-{column}", classes="retro-column"):
                    yield Label(COLUMN_TITLES[column], classes="column-title")
                    yield OptionList(id=f"entries-{column}", classes="entries")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(f"#entries-{COLUMNS[0]}", OptionList).focus()

    def reload(self) -> None:
        call_service(self.app, retro_board, self.number, done=self.show_board, group="retro")

    def action_reload(self) -> None:
        self.reload()

    def show_board(self, board: RetroBoardView) -> None:
        self.board = board
        self.number = board.sprint_number
        info = Text()
        if board.sprint_number is None:
            info.append("No active or closed sprint yet: the retrospective opens once a sprint starts.")
        else:
            info.append(f"Retrospective of sprint {board.sprint_number} ({board.sprint_state})", style="bold")
            if board.sprint_goal:
                info.append(" · goal: ")
                info.append(board.sprint_goal, style="italic")
            if len(board.numbers) > 1:
                info.append("  ·  [ ] other sprints", style="dim")
        self.query_one("#retro-info", Static).update(info)
        voted = set(board.my_votes)
        for column in COLUMNS:
            entries = [e for e in board.entries if e.column == column]
            self.entries[column] = entries
            options = self.query_one(f"#entries-{column}", OptionList)
            highlighted = options.highlighted
            options.clear_options()
            rows: list[Option | None] = []
            for entry in entries:
                rows += [Option(entry_text(entry, entry.id in voted), id=str(entry.id)), None]
            options.add_options(rows[:-1])  # a divider between entries, not after the last
            if entries:
                options.highlighted = min(highlighted or 0, len(entries) - 1)
            count = board.counts.get(column, 0)
            self.query_one(f"#col-{column} .column-title", Label).update(Text(f"{COLUMN_TITLES[column]} ({count})"))

    def _focused_column(self) -> int:
        for i, column in enumerate(COLUMNS):
            if self.query_one(f"#entries-{column}", OptionList).has_focus:
                return i
        return 0

    def action_focus_column(self, step: int) -> None:
        i = (self._focused_column() + step) % len(COLUMNS)
        self.query_one(f"#entries-{COLUMNS[i]}", OptionList).focus()

    def selected_entry(self) -> RetroEntryView | None:
        column = COLUMNS[self._focused_column()]
        options = self.query_one(f"#entries-{column}", OptionList)
        entries = self.entries[column]
        if not entries or options.highlighted is None:
            self.notify("No entry selected in this column.", severity="warning", markup=False)
            return None
        return entries[min(options.highlighted, len(entries) - 1)]

    def selected_owner(self) -> Owned | None:
        """Whose the highlighted entry is (checked before a delete: `tui.guards`)."""
        column = COLUMNS[self._focused_column()]
        entries, at = self.entries[column], self.query_one(f"#entries-{column}", OptionList).highlighted
        entry = entries[min(at, len(entries) - 1)] if entries and at is not None else None
        return None if entry is None else Owned("entry", entry.author, entry.author)

    def action_sprint(self, step: int) -> None:
        if self.board is None or self.number is None or self.number not in self.board.numbers:
            return
        i = self.board.numbers.index(self.number) + step
        if not 0 <= i < len(self.board.numbers):
            self.notify("No retrospective further that way.", severity="warning", markup=False)
            return
        self.number = self.board.numbers[i]
        self.reload()

    def action_add(self) -> None:
        if self.board is None or self.board.sprint_number is None:
            self.notify("There is no sprint to hold a retrospective on yet.", severity="warning", markup=False)
            return
        column = COLUMNS[self._focused_column()]

        def added(entry: RetroEntryView | None) -> None:
            if entry is None:
                return
            message = f"Added to {COLUMN_TITLES[RetroColumn(entry.column)]}"
            if entry.task_id is not None:
                message += f"; task #{entry.task_id} for {entry.owner} in the next sprint"
            self.notify(message, markup=False)
            self.query_one(f"#entries-{entry.column}", OptionList).focus()
            self.reload()

        self.app.push_screen(RetroEntryModal(column, self.board.sprint_number), added)

    def action_vote(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            call_service(self.app, vote, entry.id, done=lambda _v: self.reload(), group="retro-vote")

    def action_delete(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        if self.pending_delete != entry.id:
            # Deleting cannot be undone here: the first press asks, the second deletes.
            self.pending_delete = entry.id
            message = Text("Press d again to delete: ")
            message.append(entry.text)
            self.notify(str(message), severity="warning", markup=False)
            return
        self.pending_delete = None

        def deleted(_result: None) -> None:
            self.notify("Entry deleted.", markup=False)
            self.reload()

        call_service(self.app, delete_entry, entry.id, done=deleted, group="retro-delete")
