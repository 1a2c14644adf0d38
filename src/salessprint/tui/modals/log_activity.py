"""Log an activity in two keys: `l` opens this dialog, a letter logs the kind.

The kind list has the focus: `c` logs a call at once, `m` a meeting, and so
on. Before the letter, two optional steps give it context: `/` opens the
deal picker (type part of the deal's name, Enter), and a digit picks a
common outcome (`1` connected, `2` no answer, ...). So `l / Acme Enter 1 c`
logs a connected call on the Acme deal. Tab reaches the outcome field to
type one's own words. The dialog saves through the service itself, so a
refused save keeps it open with the error beside its field.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from salessprint.domain.errors import InvalidInput, SalesSprintError
from salessprint.domain.inputs import ActivityIn, validate
from salessprint.domain.values import ActivityView, DealView
from salessprint.services.activities import log_activity
from salessprint.services.activity_view import DealChoice
from salessprint.tui.keys import hold_keys
from salessprint.tui.modals.deal_picker import DealPickerModal
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service

# (key, kind, label): the second key of the two-key log.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("c", "call", "Call"),
    ("m", "meeting", "Meeting"),
    ("e", "email", "Email"),
    ("n", "note", "Note"),
    ("d", "demo", "Demo"),
    ("p", "proposal", "Proposal"),
)

# (key, outcome): the optional step before the kind's letter; the words are stored as typed.
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("1", "Connected"),
    ("2", "No answer"),
    ("3", "Left voicemail"),
    ("4", "Meeting booked"),
    ("5", "Not interested"),
)


class KindPicker(OptionList):
    """The activity kinds; a kind's letter picks it and logs at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"pick('{kind}')",
                f"Log {label.lower()}",
                id=f"log.{kind}",
                tooltip=f"Log a {label.lower()} now (with the outcome and deal below)",
            )
            for key, kind, label in KINDS
        ),
        *(
            Binding(
                key,
                f"screen.outcome('{outcome}')",
                outcome,
                id=f"log.outcome.{key}",
                show=False,
                tooltip=f"Outcome: {outcome.lower()} (then the kind's letter logs it)",
            )
            for key, outcome in OUTCOMES
        ),
    ]

    def action_pick(self, kind: str) -> None:
        screen = self.screen
        if isinstance(screen, LogActivityModal):
            screen.submit(kind)


class LogActivityModal(BaseModal[ActivityView | None]):
    """Dismisses with the logged activity, or None when cancelled."""

    DEFAULT_CSS = """
    LogActivityModal { align: center middle; }
    LogActivityModal > #dialog {
        width: 84; max-width: 95%; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    LogActivityModal .dialog-title { text-style: bold; width: 1fr; }
    LogActivityModal #kinds { height: auto; max-height: 8; border: none; padding: 0; }
    LogActivityModal .field-error { color: $error; height: auto; display: none; }
    LogActivityModal .field-error.-shown { display: block; }
    LogActivityModal .hint { color: $text-muted; }
    LogActivityModal .field-label, LogActivityModal .hint { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="log.cancel", tooltip="Close without logging anything"),
        Binding("ctrl+s", "save", "Log", id="log.save", tooltip="Log the highlighted kind with this outcome and deal"),
        Binding("slash", "pick_deal", "Pick deal", id="log.deal", tooltip="Choose the deal to log on: type to search"),
    ]

    def __init__(self, deal: DealView | DealChoice | None = None) -> None:
        super().__init__()
        self.deal = deal
        """The deal this is logged against: from its deal room, or picked here."""
        self.deal_fixed = deal is not None
        """Opened from the deal's room: the deal is not for changing here."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Log an activity")
            if self.deal is not None:
                title.append(f" on {self.deal.title}")
            yield Label(title, classes="dialog-title")
            yield KindPicker(*[Option(Text(f"{key}  {label}"), id=kind) for key, kind, label in KINDS], id="kinds")
            yield Label("", id="kind-error", classes="field-error")
            choices = " · ".join(f"{key} {outcome.lower()}" for key, outcome in OUTCOMES)
            yield Label(Text(f"Outcome (optional): {choices}"), classes="field-label")
            yield Input(placeholder="e.g. left a voicemail, booked a demo", id="outcome")
            yield Label("", id="outcome-error", classes="field-error")
            yield Label(self._deal_text(), id="deal-shown", classes="field-label")
            yield Label("", id="deal-error", classes="field-error")
            steps = "A letter logs now" if self.deal_fixed else "A letter logs now · / deal"
            yield Label(f"{steps} · 1-5 outcome · Tab: type an outcome · Esc: cancel", classes="hint")
        yield Footer()

    def _deal_text(self) -> Text:
        if self.deal is None:
            return Text("Deal: none (/ picks one)")
        shown = Text(f"Deal: {self.deal.title}")
        shown.append(f" · {self.deal.account}", style="dim")
        return shown

    def on_mount(self) -> None:
        self.query_one("#kinds", KindPicker).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_deal":
            return not self.deal_fixed
        return True

    def action_pick_deal(self) -> None:
        if self.deal_fixed or self.saving:
            return

        def picked(deal: DealChoice | None) -> None:
            if deal is not None:
                self.deal = deal
                self.query_one("#deal-shown", Label).update(self._deal_text())
            self.query_one("#kinds", KindPicker).focus()

        self.app.push_screen(DealPickerModal(), picked)

    def action_outcome(self, outcome: str) -> None:
        """Put a common outcome in the outcome field (the kind's letter then logs it)."""
        self.query_one("#outcome", Input).value = outcome

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.submit(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        picker = self.query_one("#kinds", KindPicker)
        index = picker.highlighted if picker.highlighted is not None else 0
        self.submit(KINDS[index][1])

    def _clear_errors(self) -> None:
        for name in ("kind", "outcome", "deal"):
            label = self.query_one(f"#{name}-error", Label)
            label.update("")
            label.remove_class("-shown")

    def show_error(self, exc: InvalidInput | SalesSprintError) -> None:
        """Put the message beside the field it is about (else beside the kinds)."""
        field = getattr(exc, "field", None)
        target = {"outcome": "outcome", "note": "outcome", "deal_id": "deal", "deal": "deal"}.get(field or "", "kind")
        label = self.query_one(f"#{target}-error", Label)
        label.update(Text(exc.message))
        label.add_class("-shown")

    saving = False
    """True while a save runs: a second key press must not log twice."""

    def submit(self, kind: str) -> None:
        if self.saving:
            return
        self._clear_errors()
        outcome = self.query_one("#outcome", Input).value
        deal_id = self.deal.id if self.deal is not None else None
        fields: dict[str, object] = {"kind": kind, "outcome": outcome.strip() or None, "deal_id": deal_id}
        try:
            validate(ActivityIn, **fields)
        except InvalidInput as exc:
            self.show_error(exc)
            return
        self.saving = True
        # Keys typed while it saves wait for the answer: `l c l c` logs twice, the
        # second `l` reaching the Activity screen once this dialog has closed.
        hold_keys(
            self.app,
            call_service(
                self.app, log_activity, **fields, done=self._saved, failed=self._refused, group="log-activity"
            ),
        )

    def _refused(self, exc: SalesSprintError) -> None:
        self.saving = False
        self.show_error(exc)

    def _saved(self, view: ActivityView) -> None:
        self.dismiss(view)

    def action_cancel(self) -> None:
        self.dismiss(None)
