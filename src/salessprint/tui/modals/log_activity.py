"""Log an activity in two keys: `l` opens this dialog, a letter logs the kind.

The kind list has the focus: `c` logs a call at once, `m` a meeting, and so
on. To add an outcome or a deal first, Tab into those fields, then Enter logs
the highlighted kind. The dialog saves through the service itself, so a
refused save keeps it open with the error beside its field.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from salessprint.domain.errors import InvalidInput, SalesSprintError
from salessprint.domain.inputs import ActivityIn, validate
from salessprint.domain.values import ActivityView, DealView
from salessprint.services.activities import log_activity
from salessprint.services.deals import list_deals
from salessprint.tui.keys import hold_keys
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


class KindPicker(OptionList):
    """The activity kinds; a kind's letter picks it and logs at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            key,
            f"pick('{kind}')",
            f"Log {label.lower()}",
            id=f"log.{kind}",
            tooltip=f"Log a {label.lower()} now (with the outcome and deal typed below)",
        )
        for key, kind, label in KINDS
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
        width: 72; max-width: 95%; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    LogActivityModal .dialog-title { text-style: bold; width: 1fr; }
    LogActivityModal #kinds { height: auto; max-height: 8; border: none; padding: 0; }
    LogActivityModal .field-error { color: $error; height: auto; display: none; }
    LogActivityModal .field-error.-shown { display: block; }
    LogActivityModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="log.cancel", tooltip="Close without logging anything"),
        Binding("ctrl+s", "save", "Log", id="log.save", tooltip="Log the highlighted kind with this outcome and deal"),
    ]

    def __init__(self, deal: DealView | None = None) -> None:
        super().__init__()
        self.deal = deal
        """The deal this is logged against (from its deal room), chosen already."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Log an activity")
            if self.deal is not None:
                title.append(f" on {self.deal.title}")
            yield Label(title, classes="dialog-title")
            yield KindPicker(*[Option(Text(f"{key}  {label}"), id=kind) for key, kind, label in KINDS], id="kinds")
            yield Label("", id="kind-error", classes="field-error")
            yield Label("Outcome (optional)", classes="field-label")
            yield Input(placeholder="e.g. left a voicemail, booked a demo", id="outcome")
            yield Label("", id="outcome-error", classes="field-error")
            yield Label("Deal (optional)", classes="field-label")
            if self.deal is None:
                yield Select[int]([], prompt="No deal", allow_blank=True, id="deal")
            else:
                preset = [(Text(self.deal.title), self.deal.id)]
                yield Select[int](preset, prompt="No deal", allow_blank=True, id="deal", value=self.deal.id)
            yield Label("", id="deal-error", classes="field-error")
            yield Label("A letter logs now · Tab: outcome, deal, then Enter · Esc: cancel", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#kinds", KindPicker).focus()
        if self.deal is None:
            call_service(self.app, list_deals, mine=True, open_only=True, done=self._got_deals, group="log-deals")

    def _got_deals(self, deals: list[DealView]) -> None:
        options = []
        for deal in deals:
            prompt = Text(deal.title)
            prompt.append(f" · {deal.account}", style="dim")
            options.append((prompt, deal.id))
        self.query_one("#deal", Select).set_options(options)

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
        deal = self.query_one("#deal", Select).value
        deal_id = deal if isinstance(deal, int) else None
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
