"""One line of text asked for: a note, a next step, a collaborator's login.

Enter (or ctrl+s) answers with the text, Escape with None. An empty answer is
refused in place unless the question allows it (clearing a next step)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label

from salessprint.tui.screens.base import BaseModal


class TextPrompt(BaseModal[str | None]):
    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > #dialog {
        width: 76; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    TextPrompt .dialog-title { text-style: bold; }
    TextPrompt #prompt-error { color: $error; height: auto; }
    TextPrompt .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="prompt.save", tooltip="Save this text"),
    ]

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", allow_empty: bool = False, max_length: int = 2000
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.allow_empty = allow_empty
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, max_length=self.max_length, id="prompt-input")
            yield Label("", id="prompt-error")
            yield Label("Enter: save · Esc: cancel", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        text = self.query_one(Input).value.strip()
        if not text and not self.allow_empty:
            self.query_one("#prompt-error", Label).update("Type something first (Esc cancels).")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
