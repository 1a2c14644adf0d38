"""Ask why a deal was lost; the reason is required and at most 300 characters."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, field_validator
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import Form, validate


class LostReasonIn(Form):
    """What the lost-reason form must satisfy (the store keeps 300 characters)."""

    reason: Annotated[str, Field(max_length=300)]

    @field_validator("reason")
    @classmethod
    def _given(cls, value: str) -> str:
        if not value:
            raise ValueError("say why the deal was lost")
        return value


class LostReasonModal(ModalScreen[str | None]):
    """Dismisses with the reason, or None when cancelled."""

    DEFAULT_CSS = """
    LostReasonModal { align: center middle; }
    LostReasonModal > #dialog {
        width: 70; max-width: 95%; height: auto;
        border: thick $error; background: $surface; padding: 1 2;
    }
    LostReasonModal .dialog-title { text-style: bold; width: 1fr; }
    LostReasonModal .field-error { color: $error; height: auto; display: none; }
    LostReasonModal .field-error.-shown { display: block; }
    LostReasonModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="lost.cancel", tooltip="Close without marking the deal lost"),
        Binding(
            "ctrl+s",
            "submit",
            "Mark lost",
            id="lost.submit",
            tooltip="Mark the deal lost with this reason (Enter works too)",
        ),
    ]

    def __init__(self, deal_title: str) -> None:
        super().__init__()
        self.deal_title = deal_title

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Mark lost: ", style="bold")
            title.append(self.deal_title)
            yield Label(title, classes="dialog-title")
            yield Label("Why was it lost? (required)")
            yield Input(placeholder="e.g. went with a competitor", id="reason")
            yield Label("", id="reason-error", classes="field-error")
            yield Label("Enter: mark lost · Esc: cancel", classes="hint")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        error = self.query_one("#reason-error", Label)
        try:
            data = validate(LostReasonIn, reason=self.query_one("#reason", Input).value)
        except InvalidInput as exc:
            error.update(Text(exc.message))
            error.add_class("-shown")
            self.query_one("#reason", Input).focus()
            return
        error.update("")
        self.dismiss(data.reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
