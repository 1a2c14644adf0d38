"""One rep's detail from the dashboard: attainment, activity, velocity, flags,
and for a manager the generated 1:1 agenda (copyable)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Label, Static

from salessprint.domain.errors import SalesSprintError
from salessprint.domain.text import counted
from salessprint.services.reports.one_on_one import one_on_one
from salessprint.services.reports.rep_detail import RepDetail, rep_detail
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service


class RepDetailModal(BaseModal[None]):
    """A rep's figures and 1:1 agenda; Escape closes."""

    DEFAULT_CSS = """
    RepDetailModal { align: center middle; }
    RepDetailModal > VerticalScroll {
        width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 1 2;
    }
    RepDetailModal .detail-title { text-style: bold; color: $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="rep_detail.close", tooltip="Back to the dashboard"),
        Binding("c", "copy_agenda", "Copy 1:1", id="rep_detail.copy", tooltip="Copy the 1:1 agenda to the clipboard"),
    ]

    def __init__(self, login: str) -> None:
        super().__init__()
        self.login = login
        self.agenda = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(Text(self.login), classes="detail-title", id="detail-title")
            yield Static("Loading…", id="detail-body")
            yield Static("", id="detail-agenda")
        yield Footer()

    def on_mount(self) -> None:
        call_service(self.app, rep_detail, self.login, done=self.show, group="rep-detail")

    def show(self, data: RepDetail) -> None:
        self.query_one("#detail-title", Label).update(Text(f"{data.name} ({data.login})"))
        body = Text()
        att = data.attainment
        if att.quota is None:
            body.append(
                f"Won this month: {att.won_value:,.2f} {data.currency} in {counted(att.won_deals, 'deal')} (no quota).\n"
            )
        else:
            body.append(
                f"Won this month: {att.won_value:,.2f} of {att.quota:,.2f} {data.currency} "
                f"({att.attainment} %), {counted(att.won_deals, 'deal')}.\n"
            )
        pacing = data.activity.pacing
        body.append("\nActivity this week (done / target):\n", style="bold")
        for kind, f in data.activity.activities.items():
            if f.target is None and not f.done:
                continue
            line = f"  {kind:<9} {f.done}" + (f" / {f.target}  {f.pace}" if f.target is not None else "")
            body.append(line + "\n")
        if pacing:
            body.append(f"  overall: {pacing.status} ({pacing.done} done, {pacing.expected_by_now} expected by now)\n")
        body.append("\nVelocity, last sprints: ", style="bold")
        body.append(", ".join(str(v) for v in data.velocities) or "no closed sprint yet")
        body.append("\n")
        if data.flags:
            body.append("\nCoaching flags:\n", style="bold")
            for flag in data.flags:
                body.append(f"  • {flag.message}\n")
        rotting = data.rotting
        if rotting.count:
            body.append(f"\nRotting deals ({rotting.count}, over {rotting.limit_days} days in stage):\n", style="bold")
            for d in rotting.deals[:8]:
                body.append(f"  #{d.id} {d.title} — {d.stage}, {d.days_in_stage} days\n")
        self.query_one("#detail-body", Static).update(body)
        if data.flags is not None:
            call_service(
                self.app, one_on_one, self.login, done=self.show_agenda, failed=self._no_agenda, group="rep-agenda"
            )

    def _no_agenda(self, _exc: SalesSprintError) -> None:
        self.query_one("#detail-agenda", Static).update("")

    def show_agenda(self, agenda: str) -> None:
        self.agenda = agenda
        text = Text("\n1:1 agenda (c copies it)\n", style="bold")
        text.append(agenda)
        self.query_one("#detail-agenda", Static).update(text)

    def action_copy_agenda(self) -> None:
        if self.agenda:
            self.app.copy_to_clipboard(self.agenda)
            self.notify("1:1 agenda copied.", markup=False)
