"""Which day stale tasks move to: today, tomorrow, next Monday, or a date.

A letter picks a named day at once (`t`, `o`, `n`); Tab goes to the date
field, where Enter takes a date typed as YYYY-MM-DD. A date that is not real
or lies in the past is refused in place. Dismisses with the day, or None.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from salessprint.domain.errors import InvalidInput
from salessprint.domain.today import reschedule_day
from salessprint.tui.screens.base import BaseModal

# (key, choice, label): the named days.
DAYS: tuple[tuple[str, str, str], ...] = (
    ("t", "today", "Today"),
    ("o", "tomorrow", "Tomorrow"),
    ("n", "next monday", "Next Monday"),
)


class DayPicker(OptionList):
    """The named days; a day's letter picks it at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(key, f"pick('{choice}')", label, id=f"reschedule.{key}", tooltip=f"Move them to {label.lower()}")
        for key, choice, label in DAYS
    ]

    def action_pick(self, choice: str) -> None:
        screen = self.screen
        if isinstance(screen, RescheduleModal):
            screen.choose(choice)


class RescheduleModal(BaseModal[date | None]):
    DEFAULT_CSS = """
    RescheduleModal { align: center middle; }
    RescheduleModal > #dialog {
        width: 64; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    RescheduleModal .dialog-title { text-style: bold; }
    RescheduleModal #days { height: auto; border: none; padding: 0; }
    RescheduleModal #day-error { color: $error; height: auto; }
    RescheduleModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="reschedule.cancel", tooltip="Close without moving anything"),
    ]

    def __init__(self, count: int, today: date) -> None:
        super().__init__()
        self.count = count
        self.today = today

    def compose(self) -> ComposeResult:
        tasks = "1 stale task" if self.count == 1 else f"{self.count} stale tasks"
        with Vertical(id="dialog"):
            yield Label(Text(f"Move {tasks} to…"), classes="dialog-title")
            yield DayPicker(
                *[
                    Option(Text(f"{key}  {label} ({reschedule_day(choice, self.today):%a %d %b})"), id=choice)
                    for key, choice, label in DAYS
                ],
                id="days",
            )
            yield Label("Or a date (YYYY-MM-DD)", classes="field-label")
            yield Input(placeholder=f"e.g. {self.today:%Y-%m-%d}", id="day")
            yield Label("", id="day-error")
            yield Label("A letter moves them · Tab: a date, then Enter · Esc: cancel", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#days", DayPicker).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.choose(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.choose(event.value)

    def choose(self, choice: str) -> None:
        try:
            day = reschedule_day(choice, self.today)
        except InvalidInput as exc:
            self.query_one("#day-error", Label).update(Text(exc.message))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
