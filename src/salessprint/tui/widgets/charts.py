"""Charts shared by the dashboard and the review: velocity and burndown.

Plotext plots whose colours come from the app theme's variables
($velocity-bar, $goal-bar, $goal-behind), so the projector theme shows them
in its own loud colours.

A chart draws nothing until it is shown its figures: plotting the empty axes
(a plotext build and an ANSI decode, ~15 ms each) for the frame before the
data arrive, at a size the data frame then changes, was thrown away on every
first open of the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import plotext._utility as plotext_utility
from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.widget import Widget
from textual_plotext import PlotextPlot

from salessprint.services.reports.burndown import BurndownReport
from salessprint.services.reports.velocity import VelocityReport


def theme_rgb(widget: Widget, variable: str, fallback: str = "foreground") -> tuple[int, int, int]:
    """A theme variable as an RGB triple for plotext."""
    variables = widget.app.theme_variables
    raw = variables.get(variable) or variables.get(fallback) or "#FFFFFF"
    return Color.parse(raw).rgb


@lru_cache(maxsize=256)
def _run_style(sgr: str) -> Style | None:
    """The Rich style the terminal codes `sgr` stand for, as Text.from_ansi reads them."""
    line = AnsiDecoder().decode_line(sgr + "x")
    return line.spans[0].style if line.spans else None  # type: ignore[return-value]


def matrix_text(matrix: Any) -> Text:
    """A built plotext matrix as Rich text: what Text.from_ansi(plot.build())
    gives, without writing every cell's colours out as escape codes and
    parsing them back (half of a chart's drawing time)."""
    rows: list[Text] = []
    markers, fgs, styles, bgs = matrix.marker, matrix.fullground, matrix.style, matrix.background
    for r in range(matrix.rows - 1, -1, -1):
        line = Text()
        marker_row, fg_row, style_row, bg_row = markers[r], fgs[r], styles[r], bgs[r]
        run: list[str] = []
        colours: tuple[Any, Any, Any] = (None, None, None)
        for c in range(matrix.cols):
            here = (fg_row[c], style_row[c], bg_row[c])
            if here != colours and run:
                line.append("".join(run), _run_style(plotext_utility.colors_to_ansi(*colours)))
                run = []
            colours = here
            run.append(marker_row[c])
        if run:
            line.append("".join(run), _run_style(plotext_utility.colors_to_ansi(*colours)))
        rows.append(line)
    rows.append(Text())  # plotext ends its last line too
    return Text("\n").join(rows)


class Chart(PlotextPlot):
    """A plotext plot that stays blank until `show` has given it its figures."""

    shown = False
    """Whether the chart has its figures (until then it draws nothing)."""

    def render(self) -> RenderResult:
        if not self.shown:
            return Text("")
        # PlotextPlot.render, with the built matrix turned into text directly.
        plot: Any = self.plt  # plotext's figure internals: its build without the printing
        width, height = self.size
        plot.plotsize(width, height)
        plot._set_size(width, height)
        plot.theme(self._get_plotext_theme_name(self.app.theme))
        plot._set_sizes()
        plot._build_matrix()
        return matrix_text(plot.monitor.matrix)


class VelocityChart(Chart):
    """Completed points per closed sprint, with the forecast as a line."""

    def show(self, velocity: VelocityReport) -> None:
        self.shown = True
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        sprints = velocity.sprints
        if not sprints:
            plt.title("Velocity: no closed sprint yet")
            self.refresh()
            return
        labels = [f"S{s.number}" for s in sprints]
        plt.bar(labels, [s.velocity for s in sprints], color=theme_rgb(self, "velocity-bar"), width=0.6)
        forecast = velocity.forecast
        title = "Velocity (points done per sprint)"
        if forecast is not None:
            plt.hline(float(forecast), color=theme_rgb(self, "goal-bar"))
            title += f" · forecast {forecast}"
        plt.title(title)
        self.refresh()


@dataclass(frozen=True)
class BurndownLines:
    """What the burndown chart draws, worked out from the report (no plotting)."""

    xs: list[float]
    """0 is the start of the sprint, then one position per working day."""
    labels: list[str]
    ideal: list[float]
    """From the points at the start down to 0 at the end of the last day."""
    remaining: list[tuple[float, float]]
    """From the points at the start, then the end of each day that has happened."""
    today: float | None
    """The position of the team's today, when it is a working day of the sprint."""
    top: float
    """The y axis's top: headroom above the lines for the legend's rows, so no line runs under it."""


LEGEND_HEADROOM = 1.5
"""The y axis reaches 1.5 x the highest point: the legend's two rows, top
left, sit in the empty third above the lines at any chart height we use."""


def burndown_lines(burndown: BurndownReport) -> BurndownLines:
    start = float(burndown.start_points or 0)
    days = burndown.days
    xs: list[float] = [float(i) for i in range(len(days) + 1)]  # plotext types positions as floats
    ideal = [start, *(float(d.ideal) for d in days)]
    remaining = [(0.0, start)] + [
        (float(i + 1), float(d.remaining)) for i, d in enumerate(days) if d.remaining is not None
    ]
    today = next((float(i + 1) for i, d in enumerate(days) if d.day == burndown.today), None)
    highest = max([start, *(r for _, r in remaining)])
    return BurndownLines(
        xs=xs,
        labels=["start", *(d.day.strftime("%a") for d in days)],
        ideal=ideal,
        remaining=remaining,
        today=today,
        top=max(highest * LEGEND_HEADROOM, highest + 3.0),
    )


class BurndownChart(Chart):
    """Remaining points against the ideal line, both from the points at the
    start; today is marked with a vertical line."""

    def show(self, burndown: BurndownReport) -> None:
        self.shown = True
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not burndown.days or burndown.sprint is None:
            plt.title("Burndown: no sprint yet")
            self.refresh()
            return
        lines = burndown_lines(burndown)
        if lines.today is not None:
            plt.vline(lines.today, color=theme_rgb(self, "goal-bar"))
        plt.plot(lines.xs, lines.ideal, color=theme_rgb(self, "goal-behind"), marker="braille", label="ideal")
        plt.plot(
            [x for x, _ in lines.remaining],
            [r for _, r in lines.remaining],
            color=theme_rgb(self, "velocity-bar"),
            marker="hd",
            label="remaining",
        )
        plt.ylim(0, lines.top)
        plt.xticks(lines.xs, lines.labels)
        title = f"Burndown, sprint {burndown.sprint.number} ({burndown.start_points} pt at start)"
        if lines.today is not None:
            title += " · | today"
        plt.title(title)
        self.refresh()
