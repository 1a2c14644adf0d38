"""Charts shared by the dashboard and the review: velocity and burndown.

Plotext plots whose colours come from the app theme's variables
($velocity-bar, $goal-bar, $goal-behind), so the projector theme shows them
in its own loud colours.
"""

from __future__ import annotations

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


class VelocityChart(PlotextPlot):
    """Completed points per closed sprint, with the forecast as a line."""

    def show(self, velocity: VelocityReport) -> None:
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


class BurndownChart(PlotextPlot):
    """Remaining points at the end of each working day against the ideal line."""

    def show(self, burndown: BurndownReport) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        days = burndown.days
        if not days or burndown.sprint is None:
            plt.title("Burndown: no sprint yet")
            self.refresh()
            return
        xs: list[float] = list(range(1, len(days) + 1))  # plotext types positions as floats
        plt.plot(
            xs, [float(d.ideal) for d in days], color=theme_rgb(self, "goal-behind"), marker="braille", label="ideal"
        )
        done = [(x, d.remaining) for x, d in zip(xs, days, strict=True) if d.remaining is not None]
        if done:
            plt.plot(
                [x for x, _ in done],
                [r for _, r in done],
                color=theme_rgb(self, "velocity-bar"),
                marker="hd",
                label="remaining",
            )
        plt.xticks(xs, [d.day.strftime("%a") for d in days])
        plt.title(f"Burndown, sprint {burndown.sprint.number} ({burndown.start_points} pt at start)")
        self.refresh()
