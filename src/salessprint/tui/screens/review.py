"""The weekly review as full-screen slides for the shared screen.

Slides: sprint goal and outcome, the sprint report, deals won and slipped,
each rep's activity against goal, velocity and forecast, the retrospective.
Right / space / page down move on, left / page up move back; up and down
scroll a slide that is taller than the screen. One service call
(reports.review) loads everything; every user text is plain Text.

Made for a room: a big-type title, headline figures in large digits, tables
as wide as their content and centred, the slide number on every slide, and
no footer (`?` still lists the keys). Spacing grows with the terminal, so
the same slides read at 200x50 on a projector and fit at 80x24.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from rich import box
from rich.align import Align
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import events
from textual._context import active_app
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static
from textual.worker import Worker

from salessprint.domain.text import counted
from salessprint.services.reports.review import Review, review
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import AppScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.theme_css import ROOM_THEME
from salessprint.tui.widgets.charts import VelocityChart
from salessprint.tui.widgets.slide import SlideFigure, SlideTitle


@dataclass(frozen=True)
class Fit:
    """The room a slide has (the screen's cells): it sets the tables' spacing."""

    width: int
    height: int

    @property
    def roomy(self) -> bool:
        """A big screen (a projector at 200x50): wider cells, a blank line between rows."""
        return self.width >= 150 and self.height >= 40


@dataclass(frozen=True)
class Figure:
    """A headline figure: shown in large digits, its caption under it."""

    value: str
    caption: str


@dataclass(frozen=True)
class SlideContent:
    """What one slide shows under its title."""

    figures: tuple[Figure, ...] = ()
    body: RenderableType = ""
    chart: bool = False
    """The velocity chart fills the rest of the slide."""


Slide = tuple[str, Callable[[Review, Fit], SlideContent]]

MAX_FIGURES = 4
"""Headline figures a slide may show side by side."""


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _table(fit: Fit, *, title: str | None = None) -> Table:
    """A table as wide as its content (centred by the slide), roomier on a big screen."""
    return Table(
        title=Text(title, style="bold") if title else None,
        box=box.SIMPLE_HEAVY,
        expand=False,
        header_style="bold",
        padding=(0, 3) if fit.roomy else (0, 1),
        collapse_padding=not fit.roomy,
        pad_edge=fit.roomy,
        leading=1 if fit.roomy else 0,
    )


def _centred(*parts: RenderableType) -> RenderableType:
    """The parts one under another, a blank line between, each centred."""
    spaced: list[RenderableType] = []
    for part in parts:
        if spaced:
            spaced.append(Text(""))
        spaced.append(Align.center(part))
    return Group(*spaced)


def _goal_slide(d: Review, fit: Fit) -> SlideContent:
    r = d.report
    sp = r.sprint
    figures = dict(r.item_figures())
    deals = dict(r.deal_sets())
    if sp is None or not figures:
        return SlideContent()
    committed, completed = figures["committed"].points, figures["completed"].points
    won = deals["won"]
    shown = [Figure(str(completed), "points done"), Figure(str(committed), "points committed")]
    if committed:
        shown.append(Figure(f"{round(100 * completed / committed)}%", "of the commitment"))
    shown.append(Figure(_money(won.value), f"won ({r.currency}), {counted(won.count, 'deal')}"))
    goal = Text(sp.goal or "(no goal set)", style="bold", justify="center")
    dates = Text(f"{sp.starts_on:%d %b} – {sp.ends_on:%d %b %Y} · {sp.state}", justify="center")
    return SlideContent(figures=tuple(shown), body=_centred(Text("Goal", style="bold"), goal, dates))


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
SIDE_BY_SIDE = 110
"""From this many columns the sprint report's two tables stand side by side."""


def _report_slide(d: Review, fit: Fit) -> SlideContent:
    r = d.report
    work = _table(fit, title="Work")
    work.add_column("")
    work.add_column("Items", justify="right")
    work.add_column("Points", justify="right")
    figures = dict(r.item_figures())
    keys = CLOSED_FIGURES if r.sprint is not None and r.sprint.state == "closed" else OPEN_FIGURES
    for key in keys:
        if key in figures:
            work.add_row(Text(FIGURE_LABELS[key]), str(figures[key].items), str(figures[key].points))
    sales = _table(fit, title="Deals")
    sales.add_column("")
    sales.add_column("Count", justify="right")
    sales.add_column(f"Value ({r.currency})", justify="right")
    for key, deals in r.deal_sets():
        sales.add_row(Text(DEAL_LABELS[key]), str(deals.count), _money(deals.value))
    if fit.width >= SIDE_BY_SIDE:
        both = Table.grid(padding=(0, 8 if fit.roomy else 4))
        both.add_row(work, sales)
        return SlideContent(body=_centred(both))
    return SlideContent(body=_centred(work, sales))


DEALS_LISTED = 8
"""Deals named per list on the deals slide on a big screen (the rest are counted)."""


def _deals_listed(fit: Fit) -> int:
    """Deals named per list: fewer on a short screen, so the lists fit without scrolling."""
    return DEALS_LISTED if fit.height >= 40 else 5 if fit.height >= 28 else 3


def _deal_table(fit: Fit, title: str, rows: Iterable[tuple[int, str, str, str]], last: str) -> Table:
    table = _table(fit, title=title)
    table.add_column("#", justify="right")
    table.add_column("Deal")
    table.add_column("Owner")
    table.add_column(last, justify="right")
    for deal_id, deal_title, owner, figure in rows:
        table.add_row(str(deal_id), Text(deal_title), Text(owner), Text(figure))
    return table


def _deals_slide(d: Review, fit: Fit) -> SlideContent:
    r = d.report
    deals = dict(r.deal_sets())
    won, slipped = deals["won"], deals["slipped"]
    if fit.width >= SIDE_BY_SIDE:
        shown: tuple[Figure, ...] = (
            Figure(str(won.count), "deals won"),
            Figure(_money(won.value), f"won ({r.currency})"),
            Figure(str(slipped.count), "deals slipped"),
            Figure(_money(slipped.value), f"slipped ({r.currency})"),
        )
    else:  # four large figures would not fit side by side: the counts go into the captions
        shown = (
            Figure(_money(won.value), f"won ({r.currency}), {counted(won.count, 'deal')}"),
            Figure(_money(slipped.value), f"slipped ({r.currency}), {counted(slipped.count, 'deal')}"),
        )
    listed = _deals_listed(fit)
    parts: list[RenderableType] = []
    for label, found in (("Won", won), ("Slipped (close date moved later)", slipped)):
        if not found.deals:
            parts.append(Text(f"{label}: none", style="bold"))
            continue
        rows = [(x.id, x.title, x.owner, _money(x.value)) for x in found.deals[:listed]]
        title = label if found.count <= len(rows) else f"{label}: {len(rows)} of {found.count} shown"
        parts.append(_deal_table(fit, title, rows, f"Value ({r.currency})"))
    if d.pushed_deals:
        n = len(d.pushed_deals)
        rows = [(x.id, x.title, x.owner, f"{x.pushes} times") for x in d.pushed_deals[:listed]]
        title = f"Expected close pushed 3 times or more: {counted(n, 'open deal')}"
        if n > len(rows):
            title += f", {len(rows)} shown"
        parts.append(_deal_table(fit, title, rows, "Pushed"))
    return SlideContent(figures=shown, body=_centred(*parts))


def _activity_slide(d: Review, fit: Fit) -> SlideContent:
    members = d.activity
    if not members:
        return SlideContent(body=Align.center(Text("No reps on the team yet.")))
    kinds = list(members[0].activities)
    table = _table(fit)
    table.add_column("Rep", no_wrap=True)
    for kind in kinds:
        table.add_column(kind, justify="right")
    table.add_column("Pace")
    for m in members:
        cells = []
        for kind in kinds:
            f = m.activities[kind]
            cells.append(f"{f.done}/{f.target}" if f.target is not None else str(f.done))
        pace = m.pacing.status if m.pacing else "no target"
        table.add_row(Text(m.name), *cells, Text(pace, style="bold reverse" if pace == "behind" else ""))
    paced = [m for m in members if m.pacing is not None]
    behind = sum(1 for m in paced if m.pacing is not None and m.pacing.status == "behind")
    shown = (Figure(str(len(paced) - behind), "reps on pace or ahead"), Figure(str(behind), "reps behind"))
    return SlideContent(figures=shown if paced else (), body=Align.center(table))


def _velocity_slide(d: Review, fit: Fit) -> SlideContent:
    v, f = d.velocity, d.forecast
    if v.forecast is None:
        return SlideContent(body=Align.center(Text("No closed sprint yet: the forecast starts after the first one.")))
    shown = [Figure(str(v.forecast), "points forecast")]
    note = Text("Forecast for next sprint: the mean velocity of the last three sprints.")
    nxt = f.next_sprint
    if nxt:
        shown += [
            Figure(str(nxt.p50), "points, 50 % sure"),
            Figure(str(nxt.p85), "points, 85 % sure"),
            Figure(str(nxt.p95), "points, 95 % sure"),
        ]
        note.append("\nMonte Carlo over the past sprints: at least that many points, that often.")
    return SlideContent(figures=tuple(shown), body=Align.center(note), chart=True)


RETRO_HINT = "No retrospective entries yet: open the app ('salessprint'), press 6 for the Retro board and a to add one."


def _retro_slide(d: Review, fit: Fit) -> SlideContent:
    retro = d.retro
    columns = (("went_well", "Went well"), ("to_improve", "To improve"), ("action", "Actions"))
    rows = max((len(retro.get(key, [])) for key, _ in columns), default=0)
    if not rows:
        return SlideContent(body=Align.center(Text(RETRO_HINT)))
    table = _table(fit)
    for _key, label in columns:
        table.add_column(label, max_width=max(20, (fit.width - 16) // 3))
    for i in range(rows):
        cells = []
        for key, _ in columns:
            entries = retro.get(key, [])
            if i < len(entries):
                cells.append(Text(entries[i].text + (f"  (+{entries[i].votes})" if entries[i].votes else "")))
            else:
                cells.append(Text(""))
        table.add_row(*cells)
    return SlideContent(body=Align.center(table))


SLIDES: list[Slide] = [
    ("Sprint goal and outcome", _goal_slide),
    ("Sprint report", _report_slide),
    ("Deals won and slipped", _deals_slide),
    ("Activity against goal", _activity_slide),
    ("Velocity and forecast", _velocity_slide),
    ("Retrospective", _retro_slide),
]
NO_SPRINT: list[Slide] = [
    (
        "Weekly review",
        lambda _d, _f: SlideContent(body=Align.center(Text("No sprint yet: plan and start one, then review it here."))),
    )
]


class ReviewScreen(AppScreen):
    """Full-screen slides of the weekly review."""

    DEFAULT_CSS = """
    ReviewScreen { background: $background; }
    #slide { height: 1fr; padding: 1 4 0 4; }
    #slide-kicker { width: 1fr; text-align: center; color: $text-muted; }
    #slide-title { border-bottom: heavy $primary; padding-bottom: 1; margin-bottom: 1; }
    #slide-figures { height: auto; align-horizontal: center; margin-bottom: 1; }
    #slide-figures.empty { display: none; }
    #slide-scroll { height: 1fr; scrollbar-size-vertical: 1; align-vertical: middle; }
    #slide-body { width: 1fr; height: auto; }
    #slide-chart { height: 1fr; min-height: 8; }
    #slide-chart.hidden { display: none; }
    ReviewScreen.charted #slide-scroll { height: auto; max-height: 40%; }
    #slide-bar { dock: bottom; height: 1; padding: 0 2; }
    #slide-hint { width: 1fr; color: $text-muted; }
    #slide-number { width: auto; text-style: bold; color: $primary; }
    ReviewScreen.-roomy #slide { padding: 2 8 0 8; }
    ReviewScreen.-roomy #slide-title { margin-bottom: 2; }
    ReviewScreen.-roomy #slide-figures { margin-bottom: 2; }
    ReviewScreen.-roomy SlideFigure { padding: 0 6; }
    ReviewScreen.-narrow #slide { padding: 0 1; }
    ReviewScreen.-narrow #slide-title { padding-bottom: 0; }
    ReviewScreen.-narrow SlideFigure { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space,pagedown", "slide(1)", "Next", id="review.next", tooltip="Next slide"),
        Binding("left,pageup,backspace", "slide(-1)", "Back", id="review.back", tooltip="Previous slide"),
        Binding("home", "first", "First", id="review.first", show=False, tooltip="First slide"),
        Binding("down", "scroll(1)", "Scroll down", id="review.down", show=False, tooltip="Scroll a long slide down"),
        Binding("up", "scroll(-1)", "Scroll up", id="review.up", show=False, tooltip="Scroll a long slide up"),
        Binding("r", "reload", "Refresh", id="review.refresh", tooltip="Reload the figures"),
        Binding("escape", "leave", "Leave", id="review.leave", tooltip="Leave the review"),
    ]
    HINT = "→ next  ← back  r refresh  ? keys  esc leave"

    def __init__(self) -> None:
        super().__init__()
        self.index = 0
        self.data: Review | None = None
        self._theme_before: str | None = None
        """The user's theme while the review shows the projector theme."""
        # Built as its mode is first opened, while the mode it is opened from is still current.
        app = active_app.get(None)
        self.came_from: str | None = app.current_mode if app is not None else None
        """The mode the review was opened from, which Esc goes back to."""
        if app is not None:
            # Sized for the terminal before the screen is mounted and styled: set
            # by the first resize, these classes restyled the whole screen again.
            self._fit_classes(app.size.width, app.size.height, update=False)

    def _fit_classes(self, width: int, height: int, *, update: bool = True) -> None:
        """The spacing classes for a terminal of `width` x `height` (one restyle, if any changed)."""
        self.update_classes({"-roomy": Fit(width, height).roomy, "-narrow": width < SIDE_BY_SIDE}, update=update)

    def on_mount(self) -> None:
        self.app.mode_change_signal.subscribe(self, self._mode_changed, immediate=True)

    def _mode_changed(self, mode: str) -> None:
        if self.app.screen is not self:  # a mode other than mine: Esc goes back to the last of them
            self.came_from = mode

    def compose(self) -> ComposeResult:
        with Vertical(id="slide"):
            yield Label("", id="slide-kicker", markup=False)
            yield SlideTitle("Weekly review", id="slide-title")
            # Figures and body scroll together: centred on the slide when they
            # fit, scrolled with up / down when they do not (a small terminal).
            with VerticalScroll(id="slide-scroll", can_focus=False):
                with Horizontal(id="slide-figures", classes="empty"):
                    for i in range(MAX_FIGURES):
                        yield SlideFigure(id=f"figure-{i}")
                yield Static("Loading…", id="slide-body")
            yield VelocityChart(id="slide-chart", classes="hidden")
        with Horizontal(id="slide-bar"):
            yield Label(self.HINT, id="slide-hint", markup=False)
            yield Label("", id="slide-number", markup=False)

    PROJECTOR = ROOM_THEME
    """The room's theme (its stylesheet is parsed ahead while the app is idle, see tui.theme_css)."""

    # No load on mount: a mode screen is resumed right after it is mounted,
    # and loading in both places ran the review (seconds on a large store) twice.

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # (A first open's second ScreenResume never gets here: AppScreen drops it.)
        app = self.app
        # `salessprint review` opens in the theme it was given (the projector
        # unless --theme chose another); F5 in the app switches to the room's.
        if not app.review_only and app.theme != self.PROJECTOR and self.PROJECTOR in app.available_themes:
            # The room's theme for the meeting, not the user's choice: the app
            # remembers `wanted_theme`, so set it first and nothing is saved.
            self._theme_before = app.theme
            app.wanted_theme = self.PROJECTOR
            app.theme = self.PROJECTOR
            # The theme's change restyles the screen on top (App.refresh_css,
            # next): Textual's restyle of this resume would be in the old theme.
            event.refresh_styles = False
        worker = self.reload()
        if self.data is None:
            # Keys typed while the slides load (F5, then right right) wait for
            # them, instead of paging through the one "Loading…" slide.
            hold_keys(app, worker)

    def on_screen_suspend(self) -> None:
        app = self.app
        before = self._theme_before
        if before is not None and app.theme == self.PROJECTOR:
            app.wanted_theme = before
            app.theme = before
        self._theme_before = None

    def on_resize(self, event: events.Resize) -> None:
        self._fit_classes(event.size.width, event.size.height)
        if self.data is not None:
            self.render_slide()

    def reload(self) -> Worker[None]:
        return call_service(self.app, review, done=self.show, group="review")

    def action_reload(self) -> None:
        self.reload()

    def show(self, data: Review) -> None:
        self.data = data
        self.render_slide()

    @property
    def slides(self) -> list[Slide]:
        if self.data is None or self.data.report.sprint is None:
            return NO_SPRINT
        return SLIDES

    @property
    def slide_title(self) -> str:
        """The current slide's title, with its sprint ("Sprint 13 · Sprint report")."""
        title = self.slides[self.index][0]
        sprint = self.data.report.sprint if self.data is not None else None
        return f"Sprint {sprint.number} · {title}" if sprint is not None else title

    def render_slide(self) -> None:
        slides = self.slides
        self.index = max(0, min(self.index, len(slides) - 1))
        title, build = slides[self.index]
        data = self.data
        sprint = data.report.sprint if data is not None else None
        kicker = f"Sprint {sprint.number} · weekly review" if sprint is not None else "Weekly review"
        self.query_one("#slide-kicker", Label).update(Text(kicker))
        self.query_one("#slide-title", SlideTitle).update(title)
        content = (
            build(data, Fit(self.size.width, self.size.height)) if data is not None else SlideContent(body="Loading…")
        )
        figures = list(self.query(SlideFigure))
        for widget, figure in zip(figures, (*content.figures, *([None] * MAX_FIGURES)), strict=False):
            if figure is None:
                widget.clear()
            else:
                widget.show(figure.value, figure.caption)
        self.query_one("#slide-figures").set_class(not content.figures, "empty")
        self.query_one("#slide-body", Static).update(content.body)
        self.query_one("#slide-scroll", VerticalScroll).scroll_home(animate=False)
        chart = self.query_one("#slide-chart", VelocityChart)
        chart.set_class(not content.chart, "hidden")
        self.set_class(content.chart, "charted")
        if content.chart and data is not None:
            chart.show(data.velocity)
        self.query_one("#slide-number", Label).update(f"{self.index + 1} / {len(slides)}")

    def go_to(self, index: int) -> None:
        """Show slide `index` (0-based; clamped to the slides there are)."""
        self.index = index
        self.render_slide()

    def action_slide(self, step: int) -> None:
        self.go_to(self.index + step)

    def action_first(self) -> None:
        self.go_to(0)

    def action_scroll(self, step: int) -> None:
        scroll = self.query_one("#slide-scroll", VerticalScroll)
        scroll.scroll_relative(y=step * 3, animate=False)

    def action_leave(self) -> None:
        app = self.app
        if app.review_only:
            app.exit()
        else:
            app.switch_mode(self.came_from if self.came_from in app.MODES else "dashboard")
