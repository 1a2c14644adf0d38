"""The manager's dashboard: velocity, attainment per rep, burndown, coaching
flags, and this quarter's pipeline per rep, territory or manager (`g` cycles).

One service call (reports.dashboard) fills every panel; selecting a rep
opens their detail. User text (names, deal titles) is shown as plain Text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from salessprint.services.reports.attainment import MemberAttainment
from salessprint.services.reports.coaching import CoachingReport
from salessprint.services.reports.dashboard import Dashboard, dashboard
from salessprint.services.reports.pipeline import GroupBy, PipelineReport
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.charts import BurndownChart, VelocityChart, theme_rgb

BAR_WIDTH = 20
BAR_SCALE = 150
"""A full bar is 150 % of quota; the 100 % mark sits at two thirds."""
GROUPINGS: tuple[GroupBy, ...] = ("member", "territory", "manager")
"""What `g` cycles the pipeline panel through."""
GROUP_TITLE = {"member": "rep", "territory": "territory", "manager": "manager"}


def _money(value: object) -> str:
    return "-" if value is None else f"{value:,.2f}"


def pipeline_table(report: PipelineReport) -> Table:
    """One row per group: won, win rate, open and weighted pipeline, velocity, rotting."""
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
    table.add_column(GROUP_TITLE[report.by or "member"].capitalize(), no_wrap=True, ratio=3)
    for title in ("Won", "Win %", "Open", "Weighted", "Velocity/day", "Rotting"):
        table.add_column(title, justify="right", no_wrap=True, ratio=2)
    for g in report.groups:
        table.add_row(
            Text(g.name),
            Text(f"{_money(g.won_value)} ({g.won_deals})"),
            Text("-" if g.win_rate is None else f"{g.win_rate} %"),
            Text(f"{_money(g.open_value)} ({g.open_deals})"),
            Text(_money(g.weighted_value)),
            Text(_money(g.pipeline_velocity)),
            Text(str(g.rotting_deals)),
        )
    table.add_row(
        Text("Team", style="bold"),
        Text(f"{_money(report.won_value)} ({report.won_deals})", style="bold"),
        Text("-" if report.win_rate is None else f"{report.win_rate} %", style="bold"),
        Text(f"{_money(report.open_value)} ({report.open_deals})", style="bold"),
        Text(_money(report.weighted_value), style="bold"),
        Text(_money(report.pipeline_velocity), style="bold"),
        Text(str(report.rotting.count), style="bold"),
    )
    return table


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
    #dash { grid-size: 2 3; grid-columns: 1fr 1fr; grid-rows: 1fr 1fr auto; height: 1fr; }
    #pipeline-panel { column-span: 2; height: auto; max-height: 14; }
    #pipeline-by { height: auto; }
    .dash-panel { border: round $panel; padding: 0 1; }
    .dash-panel:focus-within { border: round $primary; }
    .dash-title { text-style: bold; width: 1fr; }
    #reps { height: 1fr; border: none; background: $surface; }
    #flags { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_rep", "Rep detail", id="dashboard.rep", tooltip="Open the selected rep's detail"),
        Binding("r", "reload", "Refresh", id="dashboard.refresh", tooltip="Reload the figures"),
        Binding(
            "g",
            "cycle_grouping",
            "Pipeline by",
            id="dashboard.pipeline_by",
            tooltip="Show the pipeline per rep, per territory or per manager",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Dashboard | None = None
        self.logins: list[str] = []
        self.grouping: GroupBy = "member"
        """How the pipeline panel splits the figures."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        # The panels are laid out once, with their figures: before the first
        # figures come the grid is not shown (laying out and painting empty
        # panels, then again when the figures change every panel's size, cost
        # a layout round on every first open).
        with Grid(id="dash") as grid:
            grid.display = False
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
            with Vertical(classes="dash-panel", id="pipeline-panel"):
                yield Label("Pipeline this quarter", classes="dash-title", id="pipeline-title")
                yield Static("", id="pipeline-by")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#reps", OptionList).focus()

    def reload(self) -> None:
        call_service(self.app, dashboard, self.grouping, done=self.show, failed=self._reveal, group="dashboard")

    def _reveal(self, _error: object = None) -> None:
        """Show the panels (their figures have come, or will not: then they stay empty)."""
        self.query_one("#dash", Grid).display = True

    def action_reload(self) -> None:
        self.reload()

    def action_cycle_grouping(self) -> None:
        """Per rep -> per territory -> per manager -> per rep."""
        self.grouping = GROUPINGS[(GROUPINGS.index(self.grouping) + 1) % len(GROUPINGS)]
        self.query_one("#pipeline-title", Label).update(
            Text(f"Pipeline this quarter per {GROUP_TITLE[self.grouping]} …")
        )
        self.reload()

    def show(self, data: Dashboard) -> None:
        self.data = data
        self._reveal()
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
        pipe = data.pipeline
        self.query_one("#pipeline-title", Label).update(
            Text(
                f"Pipeline {pipe.start:%d %b} – {pipe.end:%d %b %Y} per {GROUP_TITLE[pipe.by or 'member']} "
                f"({pipe.currency}) · g: per rep, territory or manager"
            )
        )
        by = self.query_one("#pipeline-by", Static)
        # The table's own height (a header, a line per group, the team's), so the
        # layout need not render a 50-rep table to measure it, four times an open.
        by.styles.height = len(pipe.groups) + 2
        by.update(pipeline_table(pipe))

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
