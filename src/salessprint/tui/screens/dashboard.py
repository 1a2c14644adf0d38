"""The manager's dashboard: velocity, attainment per rep, burndown, coaching flags.

One service call (reports.dashboard) fills every panel; selecting a rep
opens their detail. User text (names, deal titles) is shown as plain Text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from salessprint.services.reports.attainment import MemberAttainment
from salessprint.services.reports.coaching import CoachingReport
from salessprint.services.reports.dashboard import Dashboard, dashboard
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.charts import BurndownChart, VelocityChart, theme_rgb

BAR_WIDTH = 20
BAR_SCALE = 150
"""A full bar is 150 % of quota; the 100 % mark sits at two thirds."""


def attainment_bar(
    member: MemberAttainment, good: tuple[int, int, int], behind: tuple[int, int, int], flags: int = 0
) -> Text:
    """One rep's line: name, a bar of attainment, the figure, the flag count."""
    text = Text(no_wrap=True)
    text.append(f"{member.name[:18]:<18} ")
    pct = member.attainment
    if pct is None:
        text.append("·" * BAR_WIDTH, style="dim")
        text.append("   no quota")
    else:
        filled = min(BAR_WIDTH, round(float(pct) / BAR_SCALE * BAR_WIDTH))
        colour = good if pct >= 100 else behind
        text.append("█" * filled, style=Style(color=f"rgb{colour}"))
        text.append("░" * (BAR_WIDTH - filled), style="dim")
        text.append(f" {pct:>6} %")
    if flags:
        text.append(f"  ⚑ {flags}", style="bold")
    return text


class DashboardScreen(BaseScreen):
    """Velocity, attainment, burndown and who needs a 1:1."""

    TITLE_TEXT = "Dashboard"
    DEFAULT_CSS = """
    #dash { grid-size: 2 2; grid-columns: 1fr 1fr; grid-rows: 1fr 1fr; height: 1fr; }
    .dash-panel { border: round $panel; padding: 0 1; }
    .dash-panel:focus-within { border: round $primary; }
    .dash-title { text-style: bold; width: 1fr; }
    #reps { height: 1fr; border: none; background: $surface; }
    #flags { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_rep", "Rep detail", id="dashboard.rep", tooltip="Open the selected rep's detail"),
        Binding("r", "reload", "Refresh", id="dashboard.refresh", tooltip="Reload the figures"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Dashboard | None = None
        self.logins: list[str] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Grid(id="dash"):
            with Vertical(classes="dash-panel", id="velocity-panel"):
                yield VelocityChart(id="velocity-chart")
            with Vertical(classes="dash-panel", id="attainment-panel"):
                yield Label("Quota attainment this month", classes="dash-title", id="attainment-title")
                yield OptionList(id="reps")
            with Vertical(classes="dash-panel", id="burndown-panel"):
                yield BurndownChart(id="burndown-chart")
            with Vertical(classes="dash-panel", id="coaching-panel"):
                yield Label("Coaching flags", classes="dash-title")
                yield Static("", id="flags")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#reps", OptionList).focus()

    def reload(self) -> None:
        call_service(self.app, dashboard, done=self.show, group="dashboard")

    def action_reload(self) -> None:
        self.reload()

    def show(self, data: Dashboard) -> None:
        self.data = data
        self.query_one(VelocityChart).show(data.velocity)
        self.query_one(BurndownChart).show(data.burndown)
        coaching = data.coaching
        flag_count = {m.login: len(m.flags) for m in coaching.members} if coaching else {}
        att = data.attainment
        reps = self.query_one("#reps", OptionList)
        highlighted = reps.highlighted
        reps.clear_options()
        good, behind = theme_rgb(self, "goal-bar"), theme_rgb(self, "goal-behind")
        self.logins = [m.login for m in att.members]
        reps.add_options(
            [Option(attainment_bar(m, good, behind, flag_count.get(m.login, 0)), id=m.login) for m in att.members]
        )
        if self.logins:
            reps.highlighted = min(highlighted or 0, len(self.logins) - 1)
        team = att.team
        title = f"Quota attainment {att.start:%B} ({att.currency})"
        if team.attainment is not None:
            title += f" · team {team.attainment} %"
        if not self.logins:
            title += " · no reps yet"
        self.query_one("#attainment-title", Label).update(Text(title))
        self.query_one("#flags", Static).update(self._flags_text(coaching))

    @staticmethod
    def _flags_text(coaching: CoachingReport | None) -> Text:
        if coaching is None:
            return Text("Coaching flags are for managers.", style="dim")
        text = Text()
        for m in coaching.members:
            if not m.flags:
                continue
            text.append(f"{m.name}\n", style="bold")
            for flag in m.flags:
                text.append(f"  • {flag.message}\n")
        if not text.plain:
            text.append("No coaching flags: everyone is on track.")
        return text

    def action_open_rep(self) -> None:
        reps = self.query_one("#reps", OptionList)
        if reps.highlighted is None or not self.logins:
            return
        self._open(self.logins[reps.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._open(event.option.id)

    def _open(self, login: str) -> None:
        from salessprint.tui.modals.rep_detail import RepDetailModal

        self.app.push_screen(RepDetailModal(login))
