"""Pick a deal by typing part of its name: the log dialog's optional deal step.

Each keystroke searches in a worker (my open deals first, then the team's,
never more than a window of them; `services.activity_view.deals_to_log_on`);
up and down move the highlight, Enter picks it, Escape goes back without one.
Keys typed while a search runs wait for its answer, so `Acme` then Enter
typed at once picks from the results for "Acme", not for "Ac".
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from salessprint.services.activity_view import PICK_LIMIT, DealChoice, deals_to_log_on
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service


def deal_prompt(deal: DealChoice) -> Text:
    """A deal as the picker lists it: title, then account, owner and stage dimmed."""
    prompt = Text(deal.title)
    owner = "mine" if deal.mine else deal.owner_name
    prompt.append(f" · {deal.account} · {owner} · {deal.stage}", style="dim")
    return prompt


class DealPickerModal(BaseModal[DealChoice | None]):
    """Dismisses with the picked deal, or None when Escape goes back."""

    DEFAULT_CSS = """
    DealPickerModal { align: center middle; }
    DealPickerModal > #dialog {
        width: 80; max-width: 95%; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    DealPickerModal .dialog-title { text-style: bold; }
    DealPickerModal #deal-matches { height: auto; max-height: 12; border: none; padding: 0; }
    DealPickerModal #picker-status { color: $text-muted; height: auto; }
    DealPickerModal .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back", id="pick.cancel", tooltip="Go back without a deal"),
        Binding("down", "move(1)", "Next", id="pick.next", show=False, tooltip="Highlight the next deal"),
        Binding("up", "move(-1)", "Previous", id="pick.previous", show=False, tooltip="Highlight the previous deal"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list[DealChoice] = []
        """The deals listed now."""
        self.matched_for: str | None = None
        """The search text the listed deals answer (None: no answer yet)."""
        self.pick_on_answer = False
        """Enter came before the answer for what was typed: pick when it arrives."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Log on which deal?", classes="dialog-title")
            yield Input(placeholder="Type part of a deal, account, owner or stage", id="deal-search")
            yield OptionList(id="deal-matches")
            yield Label("", id="picker-status")
            yield Label("Type to search · ↑↓ choose · Enter: pick · Esc: back", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deal-matches", OptionList).can_focus = False
        self.query_one("#deal-search", Input).focus()
        self._search("")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search(event.value)

    def _search(self, text: str) -> None:
        # The next key waits for the answer: Enter picks from what was typed.
        hold_keys(
            self.app,
            call_service(
                self.app, deals_to_log_on, text, done=lambda found: self._show(text, found), group="deal-pick"
            ),
        )

    def _show(self, text: str, found: list[DealChoice]) -> None:
        if text != self.query_one("#deal-search", Input).value:
            return  # an answer for what was typed before; the newer search answers next
        self.matches, self.matched_for = found, text
        matches = self.query_one("#deal-matches", OptionList)
        matches.clear_options()
        matches.add_options([Option(deal_prompt(d), id=str(d.id)) for d in found])
        if found:
            matches.highlighted = 0
        status = self.query_one("#picker-status", Label)
        if not found:
            status.update(Text(f"No open deal matches '{text.strip()}'." if text.strip() else "No open deals."))
        elif len(found) >= PICK_LIMIT:
            status.update(Text(f"The first {len(found)} matches, mine first: type more to narrow them."))
        else:
            status.update(Text("My deals first, then the team's."))
        if self.pick_on_answer:
            self.pick_on_answer = False
            self._pick()

    def action_move(self, step: int) -> None:
        matches = self.query_one("#deal-matches", OptionList)
        if matches.option_count:
            current = matches.highlighted if matches.highlighted is not None else -step
            matches.highlighted = max(0, min(matches.option_count - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.matched_for != event.value:
            self.pick_on_answer = True
            return
        self._pick()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#deal-matches", OptionList).highlighted = event.option_index
        self._pick()

    def _pick(self) -> None:
        index = self.query_one("#deal-matches", OptionList).highlighted
        if index is None or index >= len(self.matches):
            return  # nothing to pick: the status line says why
        self.dismiss(self.matches[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
