"""The history panel: who changed what and when, newest first.

Opens over any screen (key `H`); `m` toggles between the whole team and my
own changes; it reloads itself when the store changes (live refresh), and
undo (`ctrl+z`, an app key) works while it is open.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Label, Static

from salessprint.domain.clock import team_time
from salessprint.services.history import ChangeView, history
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service

LIMIT = 200


def change_row(change: ChangeView, timezone: str = "UTC") -> tuple[Text, Text, Text, Text]:
    """One table row, its time in the team's time zone (as Activity shows it);
    every cell is plain text (titles are never markup)."""
    when = Text(team_time(change.at, timezone).strftime("%a %d %b %H:%M"))
    who = Text(change.login or "system")
    what = Text(f"{change.entity.replace('_', ' ')} #{change.entity_id}")
    summary = Text(change.summary, style="strike dim" if change.undone else "")
    return when, who, what, summary


def change_detail(change: ChangeView, timezone: str = "UTC") -> Text:
    """The highlighted change in full: who, when (the team's time), and each field before → after."""
    text = Text()
    at = team_time(change.at, timezone)
    text.append(f"{change.name or change.login or 'system'} · {at:%Y-%m-%d %H:%M} {timezone} · ", style="bold")
    text.append(change.summary)
    if change.undone:
        text.append("  (undone)", style="italic")
    for field in change.fields:
        text.append(f"\n  {field.field}: ")
        text.append("—" if field.before in (None, "") else str(field.before))
        text.append(" → ")
        text.append("—" if field.after in (None, "") else str(field.after))
    return text


class HistoryModal(BaseModal[None]):
    """The change log as a table, over the current screen."""

    DEFAULT_CSS = """
    HistoryModal {
        align: center middle;
    }
    HistoryModal > #history-box {
        width: 90%;
        height: 80%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HistoryModal #history-title {
        text-style: bold;
        width: 1fr;
    }
    HistoryModal DataTable {
        height: 1fr;
    }
    HistoryModal #history-detail {
        height: auto;
        max-height: 8;
        border-top: solid $panel;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,H", "dismiss_panel", "Close", id="history.close", tooltip="Close the history panel"),
        Binding(
            "m", "toggle_mine", "Mine/team", id="history.mine", tooltip="Show only my changes, or the whole team's"
        ),
        Binding("r", "reload", "Refresh", id="history.refresh", tooltip="Reload the history now"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.only_mine = False
        self.changes: list[ChangeView] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="history-box"):
            yield Label("History", id="history-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("When", "Who", "What", "Change")
        table.focus()
        self.reload()

    def reload(self) -> None:
        app = self.app
        member = app.login if self.only_mine else None
        call_service(self.app, history, member=member, limit=LIMIT, done=self.show, group="history")

    def show(self, changes: list[ChangeView]) -> None:
        if not self.is_mounted:
            return
        self.changes = changes
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for change in changes:
            table.add_row(*change_row(change, self._timezone()), key=str(change.id))
        if changes:
            table.move_cursor(row=min(row, len(changes) - 1))
        scope = "my changes" if self.only_mine else "the team's changes"
        self.query_one("#history-title", Label).update(Text(f"History: {scope} ({len(changes)} newest)"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.changes):
            self.query_one("#history-detail", Static).update(change_detail(self.changes[index], self._timezone()))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a deal's change opens that deal's room."""
        index = event.cursor_row
        if not 0 <= index < len(self.changes):
            return
        change = self.changes[index]
        if change.entity not in ("deal", "deal_collaborator"):
            self.notify("Enter opens a deal's room; this change is not a deal's.", markup=False)
            return
        from salessprint.tui.screens.deal_room import DealRoomScreen

        self.dismiss(None)
        self.app.push_screen(DealRoomScreen(change.entity_id))

    def _timezone(self) -> str:
        team = getattr(self.app, "team", None)
        return team.timezone if team is not None else "UTC"

    def action_toggle_mine(self) -> None:
        self.only_mine = not self.only_mine
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_dismiss_panel(self) -> None:
        self.dismiss(None)
