"""Add a retro entry: column, text and, for an action, its owner.

An action becomes a task for its owner in the next sprint (services.retro).
The dialog saves through the service itself, so a refused save keeps it
open with the error beside its field.
"""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, field_validator, model_validator
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, Select

from salessprint.domain.enums import RetroColumn
from salessprint.domain.errors import InvalidInput, SalesSprintError
from salessprint.domain.inputs import Form, validate
from salessprint.domain.values import MemberView
from salessprint.services.members import list_members
from salessprint.services.retro import RetroEntryView, add_entry
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service

COLUMN_TITLES = {
    RetroColumn.WENT_WELL: "Went well",
    RetroColumn.TO_IMPROVE: "To improve",
    RetroColumn.ACTION: "Actions",
}


class RetroEntryIn(Form):
    """What the retro entry form must satisfy (the service checks it again)."""

    column: RetroColumn
    text: Annotated[str, Field(max_length=2000)]
    owner: str | None = None

    @field_validator("text")
    @classmethod
    def _written(cls, value: str) -> str:
        if not value:
            raise ValueError("write something first")
        return value

    @model_validator(mode="after")
    def _owner_only_for_actions(self) -> RetroEntryIn:
        if self.owner and self.column is not RetroColumn.ACTION:
            raise ValueError("only an action has an owner")
        return self


class RetroEntryModal(BaseModal[RetroEntryView | None]):
    """Dismisses with the new entry, or None when cancelled."""

    DEFAULT_CSS = """
    RetroEntryModal { align: center middle; }
    RetroEntryModal > #dialog {
        width: 72; max-width: 95%; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    RetroEntryModal .dialog-title { text-style: bold; width: 1fr; }
    RetroEntryModal .field-error { color: $error; height: auto; display: none; }
    RetroEntryModal .field-error.-shown { display: block; }
    RetroEntryModal .-disabled { color: $text-disabled; }
    RetroEntryModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="retro_entry.cancel", tooltip="Close without adding anything"),
        Binding("ctrl+s", "save", "Add", id="retro_entry.save", tooltip="Add the entry (Enter in the text works too)"),
    ]

    def __init__(self, column: RetroColumn, sprint_number: int | None) -> None:
        super().__init__()
        self.column = column
        self.sprint_number = sprint_number

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = f"Add to the retro of sprint {self.sprint_number}" if self.sprint_number else "Add to the retro"
            yield Label(title, classes="dialog-title")
            yield Label("Column", classes="field-label")
            yield Select(
                [(Text(t), c) for c, t in COLUMN_TITLES.items()], value=self.column, allow_blank=False, id="column"
            )
            yield Label("", id="column-error", classes="field-error")
            yield Label("Text", classes="field-label")
            yield Input(placeholder="What happened, or what we will do", id="text")
            yield Label("", id="text-error", classes="field-error")
            yield Label(
                "Owner (actions only: it becomes their task next sprint)", classes="field-label", id="owner-label"
            )
            yield Select[str]([], prompt="Me", allow_blank=True, id="owner")
            yield Label("", id="owner-error", classes="field-error")
            yield Label("Enter or Ctrl+S: add · Esc: cancel", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self._sync_owner()
        self.query_one("#text", Input).focus()
        call_service(self.app, list_members, done=self._got_members, group="retro-members")

    def _got_members(self, members: list[MemberView]) -> None:
        self.query_one("#owner", Select).set_options([(Text(m.name), m.login) for m in members])

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "column":
            self._sync_owner()

    def _sync_owner(self) -> None:
        is_action = self.query_one("#column", Select).value == RetroColumn.ACTION
        self.query_one("#owner", Select).disabled = not is_action
        self.query_one("#owner-label", Label).set_class(not is_action, "-disabled")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def show_error(self, exc: InvalidInput | SalesSprintError) -> None:
        field = getattr(exc, "field", None)
        target = field if field in ("column", "text", "owner") else "text"
        label = self.query_one(f"#{target}-error", Label)
        label.update(Text(exc.message))
        label.add_class("-shown")

    saving = False
    """True while a save runs: a second key press must not add twice."""

    def action_save(self) -> None:
        if self.saving:
            return
        for name in ("column", "text", "owner"):
            label = self.query_one(f"#{name}-error", Label)
            label.update("")
            label.remove_class("-shown")
        column = self.query_one("#column", Select).value
        owner = self.query_one("#owner", Select).value
        fields: dict[str, object] = {
            "column": column,
            "text": self.query_one("#text", Input).value,
            "owner": owner if isinstance(owner, str) and column == RetroColumn.ACTION else None,
        }
        try:
            data = validate(RetroEntryIn, **fields)
        except InvalidInput as exc:
            if exc.field not in ("column", "text", "owner"):
                exc = InvalidInput(exc.message, field="owner")
            self.show_error(exc)
            return
        self.saving = True
        saving = call_service(
            self.app,
            add_entry,
            data.column.value,
            data.text,
            owner=data.owner,
            number=self.sprint_number,
            done=self._saved,
            failed=self._refused,
            group="retro-add",
        )
        hold_keys(self.app, saving)  # keys typed while it saves are for the retro, once this closes

    def _refused(self, exc: SalesSprintError) -> None:
        self.saving = False
        self.show_error(exc)

    def _saved(self, view: RetroEntryView) -> None:
        self.dismiss(view)

    def action_cancel(self) -> None:
        self.dismiss(None)
