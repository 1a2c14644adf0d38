"""Starting a sprint: from today (Jira's way: it runs the team's sprint
length from the day it starts) or on the dates it was planned for."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

StartChoice = Literal["today", "keep"]


def start_question(number: int, today: tuple[date, date], planned: tuple[date, date]) -> Text:
    """The question, with both sets of dates, as plain text."""
    text = Text(f"Start sprint {number} now?\n\n")
    text.append(f"From today it runs {today[0]:%a %d %b} to {today[1]:%a %d %b %Y}.\n")
    if today != planned:
        text.append(f"It was planned for {planned[0]:%a %d %b} to {planned[1]:%a %d %b %Y}.")
    return text


class StartSprintModal(ModalScreen[StartChoice | None]):
    """Dismisses with "today" (y), "keep" (k: the planned dates) or None (n / escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer('today')", "Start from today", id="start.today", tooltip="Start; it runs from today"),
        Binding("k", "answer('keep')", "Keep planned dates", id="start.keep", tooltip="Start on the planned dates"),
        Binding("n,escape", "answer('')", "Not yet", id="start.no", tooltip="Leave it planned"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label(self.question, id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start from today (y)", id="today", variant="primary")
                yield Button("Keep planned dates (k)", id="keep")
                yield Button("Not yet (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id or "")

    def action_answer(self, answer: str) -> None:
        self.dismiss("today" if answer == "today" else "keep" if answer == "keep" else None)
