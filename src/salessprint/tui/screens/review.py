"""The weekly review as full-screen slides for the shared screen.

Slides: sprint goal and outcome, the sprint report, deals won and slipped,
each rep's activity against goal, velocity and forecast, the retrospective.
Right / space / page down move on, left / page up move back. One service
call (reports.review) loads everything; every user text is plain Text.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from salessprint.domain.text import counted
from salessprint.services.reports.review import Review, review
from salessprint.tui.screens.base import AppScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.charts import VelocityChart

Slide = tuple[str, Callable[[Review], RenderableType]]


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _goal_slide(d: Review) -> RenderableType:
    r = d.report
    sp = r.sprint
    figures = dict(r.item_figures())
    deals = dict(r.deal_sets())
    if sp is None or not figures:
        return Text("")
    text = Text()
    text.append("Goal\n", style="bold")
    text.append(f"{sp.goal or '(no goal set)'}\n\n")
    text.append(f"{sp.starts_on:%d %b} – {sp.ends_on:%d %b %Y} · {sp.state}\n\n")
    committed, completed = figures["committed"].points, figures["completed"].points
    text.append("Outcome\n", style="bold")
    text.append(f"{completed} of {committed} committed points done")
    if committed:
        text.append(f" ({round(100 * completed / committed)} %)")
    won = deals["won"].count
    text.append(f"\n{won} deal{'' if won == 1 else 's'} won, {deals['won'].value:,.2f} {r.currency}\n")
    return text


FIGURE_LABELS = {
    "committed": "Committed at start",
    "completed": "Completed",
    "completed_outside": "Completed outside this sprint",
    "added": "Added after start",
    "removed": "Removed",
    "carried_over": "Carried over",
    "dropped": "Dropped",
    "not_completed": "Not completed yet",
}
CLOSED_FIGURES = ("committed", "completed", "completed_outside", "added", "removed", "carried_over", "dropped")
"""A closed sprint's rows: its unfinished work under the name the close gave it."""
OPEN_FIGURES = ("committed", "completed", "completed_outside", "added", "removed", "not_completed")
"""An active sprint's rows: nothing is carried over or dropped before the close."""
DEAL_LABELS = {"won": "Won", "advanced": "Advanced a stage", "slipped": "Slipped", "untouched": "Untouched"}


def _report_slide(d: Review) -> RenderableType:
    r = d.report
    table = Table(expand=True, show_edge=False, header_style="bold")
    table.add_column("")
    table.add_column("Items", justify="right")
    table.add_column("Points", justify="right")
    figures = dict(r.item_figures())
    keys = CLOSED_FIGURES if r.sprint is not None and r.sprint.state == "closed" else OPEN_FIGURES
    for key in keys:
        if key in figures:
            table.add_row(Text(FIGURE_LABELS[key]), str(figures[key].items), str(figures[key].points))
    sales = Table(expand=True, show_edge=False, header_style="bold")
    sales.add_column("Deals")
    sales.add_column("Count", justify="right")
    sales.add_column(f"Value ({r.currency})", justify="right")
    for key, deals in r.deal_sets():
        sales.add_row(Text(DEAL_LABELS[key]), str(deals.count), _money(deals.value))
    return Group(table, Text(""), sales)


def _deals_slide(d: Review) -> RenderableType:
    r = d.report
    labels = {"won": "Won", "slipped": "Slipped (close date moved later)"}
    parts: list[RenderableType] = []
    for key, deals in r.deal_sets():
        if key not in labels:
            continue
        parts.append(
            Text(f"{labels[key]}: {counted(deals.count, 'deal')}, {_money(deals.value)} {r.currency}", style="bold")
        )
        for deal in deals.deals[:8]:
            parts.append(Text(f"  #{deal.id} {deal.title} · {deal.owner} · {_money(deal.value)}"))
        if not deals.deals:
            parts.append(Text("  none"))
        parts.append(Text(""))
    if d.pushed_deals:
        n = len(d.pushed_deals)
        parts.append(Text(f"Expected close pushed 3 times or more: {n} open deal{'s' if n > 1 else ''}", style="bold"))
        for pushed in d.pushed_deals[:8]:
            parts.append(Text(f"  #{pushed.id} {pushed.title} · {pushed.owner} · pushed {pushed.pushes} times"))
    return Group(*parts)


def _activity_slide(d: Review) -> RenderableType:
    members = d.activity
    if not members:
        return Text("No reps on the team yet.")
    kinds = list(members[0].activities)
    table = Table(expand=True, show_edge=False, header_style="bold")
    table.add_column("Rep")
    for kind in kinds:
        table.add_column(kind, justify="right")
    table.add_column("Pace")
    for m in members:
        cells = []
        for kind in kinds:
            f = m.activities[kind]
            cells.append(f"{f.done}/{f.target}" if f.target is not None else str(f.done))
        pace = m.pacing.status if m.pacing else "no target"
        table.add_row(Text(m.name), *cells, Text(pace, style="bold" if pace == "behind" else ""))
    return table


def _velocity_slide(d: Review) -> RenderableType:
    v, f = d.velocity, d.forecast
    text = Text()
    if v.forecast is None:
        text.append("No closed sprint yet: the forecast starts after the first one.")
        return text
    text.append(f"Forecast for next sprint: {v.forecast} points (mean of the last three)\n")
    nxt = f.next_sprint
    if nxt:
        text.append(f"Monte Carlo: at least {nxt.p50} points (50 %), {nxt.p85} (85 %), {nxt.p95} (95 %)")
    return text


def _retro_slide(d: Review) -> RenderableType:
    retro = d.retro
    table = Table(expand=True, show_lines=False, header_style="bold")
    columns = (("went_well", "Went well"), ("to_improve", "To improve"), ("action", "Actions"))
    for _key, label in columns:
        table.add_column(label, ratio=1)
    rows = max((len(retro.get(key, [])) for key, _ in columns), default=0)
    for i in range(rows):
        cells = []
        for key, _ in columns:
            entries = retro.get(key, [])
            if i < len(entries):
                cells.append(Text(entries[i].text + (f"  (+{entries[i].votes})" if entries[i].votes else "")))
            else:
                cells.append(Text(""))
        table.add_row(*cells)
    if not rows:
        return Text(RETRO_HINT)
    return table


RETRO_HINT = "No retrospective entries yet: open the app ('salessprint'), press 6 for the Retro board and a to add one."


SLIDES: list[Slide] = [
    ("Sprint goal and outcome", _goal_slide),
    ("Sprint report", _report_slide),
    ("Deals won and slipped", _deals_slide),
    ("Activity against goal", _activity_slide),
    ("Velocity and forecast", _velocity_slide),
    ("Retrospective", _retro_slide),
]


class ReviewScreen(AppScreen):
    """Full-screen slides of the weekly review."""

    DEFAULT_CSS = """
    ReviewScreen { background: $background; }
    #slide { height: 1fr; padding: 1 4; }
    #slide-title { text-style: bold; color: $primary; width: 1fr; padding-bottom: 1; }
    #slide-body { width: 1fr; }
    #slide-chart { height: 1fr; min-height: 12; }
    #slide-chart.hidden { display: none; }
    #slide-number { dock: bottom; width: 1fr; text-align: right; padding: 0 2; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space,pagedown", "slide(1)", "Next", id="review.next", tooltip="Next slide"),
        Binding("left,pageup,backspace", "slide(-1)", "Back", id="review.back", tooltip="Previous slide"),
        Binding("home", "first", "First", id="review.first", show=False, tooltip="First slide"),
        Binding("r", "reload", "Refresh", id="review.refresh", tooltip="Reload the figures"),
        Binding("escape", "leave", "Leave", id="review.leave", tooltip="Leave the review"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self.data: Review | None = None
        self._theme_before: str | None = None
        """The user's theme while the review shows the projector theme."""

    def compose(self) -> ComposeResult:
        with Vertical(id="slide"):
            yield Label("Weekly review", id="slide-title")
            yield Static("Loading…", id="slide-body")
            yield VelocityChart(id="slide-chart", classes="hidden")
        yield Label("", id="slide-number")
        yield Footer()

    PROJECTOR = "projector"

    # No load on mount: a mode screen is resumed right after it is mounted,
    # and loading in both places ran the review (seconds on a large store) twice.

    def on_screen_resume(self) -> None:
        app = self.app
        if app.theme != self.PROJECTOR and self.PROJECTOR in app.available_themes:
            # The room's theme for the meeting, not the user's choice: the app
            # remembers `wanted_theme`, so set it first and nothing is saved.
            self._theme_before = app.theme
            app.wanted_theme = self.PROJECTOR
            app.theme = self.PROJECTOR
        self.reload()

    def on_screen_suspend(self) -> None:
        app = self.app
        before = self._theme_before
        if before is not None and app.theme == self.PROJECTOR:
            app.wanted_theme = before
            app.theme = before
        self._theme_before = None

    def reload(self) -> None:
        call_service(self.app, review, done=self.show, group="review")

    def action_reload(self) -> None:
        self.reload()

    def show(self, data: Review) -> None:
        self.data = data
        self.render_slide()

    @property
    def slides(self) -> list[Slide]:
        if self.data is None or self.data.report.sprint is None:
            return [("Weekly review", lambda _d: Text("No sprint yet: plan and start one, then review it here."))]
        return SLIDES

    def render_slide(self) -> None:
        slides = self.slides
        self.index = max(0, min(self.index, len(slides) - 1))
        title, build = slides[self.index]
        data = self.data
        if data is not None and data.report.sprint is not None:
            title = f"Sprint {data.report.sprint.number} · {title}"
        self.query_one("#slide-title", Label).update(Text(title))
        self.query_one("#slide-body", Static).update(build(data) if data is not None else "Loading…")
        chart = self.query_one("#slide-chart", VelocityChart)
        is_velocity = slides[self.index][1] is _velocity_slide
        chart.set_class(not is_velocity, "hidden")
        if is_velocity and data is not None:
            chart.show(data.velocity)
        self.query_one("#slide-number", Label).update(f"{self.index + 1} / {len(slides)}")

    def action_slide(self, step: int) -> None:
        self.index += step
        self.render_slide()

    def action_first(self) -> None:
        self.index = 0
        self.render_slide()

    def action_leave(self) -> None:
        app = self.app
        if app.review_only:
            app.exit()
        else:
            app.switch_mode("dashboard")
