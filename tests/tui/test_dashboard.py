"""The manager's dashboard: key 7, panels filled from the store, rep detail."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.widgets import OptionList, Static

from salessprint.services.reports.attainment import attainment
from salessprint.services.reports.coaching import coaching
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.modals.rep_detail import RepDetailModal
from salessprint.tui.screens.dashboard import DashboardScreen
from tests.tui.harness import settle

SIZE = (160, 50)


def static_text(widget: Static) -> str:
    return str(widget.render())


def test_key_7_opens_the_dashboard_with_the_stores_figures(demo_store: Any) -> None:
    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DashboardScreen)
            expected = attainment(demo_store, "maria").members
            reps = screen.query_one("#reps", OptionList)
            assert reps.option_count == len(expected) == 7
            shown = [str(reps.get_option_at_index(i).prompt) for i in range(reps.option_count)]
            for line, member in zip(shown, expected, strict=True):
                assert line.startswith(member.name[:18])
                if member.attainment is None:
                    assert "no quota" in line
                else:
                    assert f"{member.attainment} %" in line
            flags = static_text(screen.query_one("#flags", Static))
            chris = next(m for m in coaching(demo_store, "maria").members if m.login == "chris")
            assert "Chris Okafor" in flags
            assert all(f.message in flags for f in chris.flags)
            assert "Velocity down 3 sprints running" in flags

    asyncio.run(run())


def test_selecting_a_rep_opens_their_detail_and_agenda(demo_store: Any) -> None:
    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            await pilot.press("down", "down", "enter")  # alex, bea, chris
            await settle(pilot)
            modal = app.screen
            assert isinstance(modal, RepDetailModal) and modal.login == "chris"
            body = static_text(modal.query_one("#detail-body", Static))
            assert "Won this month: 0.00 of 60,000.00 EUR (0.0 %)" in body
            assert "Velocity, last sprints:" in body
            assert modal.agenda.startswith("1:1 with Chris Okafor")
            assert "1:1 with Chris Okafor" in static_text(modal.query_one("#detail-agenda", Static))
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)

    asyncio.run(run())


def test_a_rep_sees_no_coaching_flags(demo_store: Any) -> None:
    async def run() -> None:
        app = SalesSprintApp(demo_store, "alex")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            assert "for managers" in static_text(app.screen.query_one("#flags", Static))

    asyncio.run(run())


def test_dashboard_on_an_empty_team(empty_team: Any) -> None:
    async def run() -> None:
        app = SalesSprintApp(empty_team, "ada")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            screen = app.screen
            assert screen.query_one("#reps", OptionList).option_count == 0
            assert "no reps yet" in str(screen.query_one("#attainment-title").render())
            assert "everyone is on track" in static_text(screen.query_one("#flags", Static))

    asyncio.run(run())


def test_dashboard_snapshot(demo_store: Any, snap_compare: Any) -> None:
    async def open_dashboard(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)

    assert snap_compare(SalesSprintApp(demo_store, "maria"), terminal_size=SIZE, run_before=open_dashboard)


def test_g_cycles_the_pipeline_panel_per_rep_territory_and_manager(demo_store: Any) -> None:
    from datetime import date

    from salessprint.services.reports.pipeline import GroupBy, pipeline
    from tests.tui.harness import screen_text, until

    quarter = (date(2026, 10, 1), date(2026, 12, 31))
    groupings: tuple[GroupBy, ...] = ("member", "territory", "manager")
    expected = {by: pipeline(demo_store, "maria", start=quarter[0], end=quarter[1], by=by) for by in groupings}

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DashboardScreen)
            steps: list[tuple[GroupBy, str, bool]] = [
                ("member", "rep", False),
                ("territory", "territory", True),
                ("manager", "manager", True),
                ("member", "rep", True),
            ]
            for by, word, press in steps:
                if press:
                    await pilot.press("g")
                    await settle(pilot)
                await until(pilot, lambda: screen.data is not None and screen.data.pipeline.by == by)  # noqa: B023
                text = screen_text(app)
                assert f"per {word} (EUR)" in text
                report = expected[by]
                assert report.groups
                for g in report.groups:
                    assert g.name[:16] in text, (by, g.name)
                    assert f"{g.open_value:,.2f} ({g.open_deals})" in text, (by, g.name)
                assert f"{report.open_value:,.2f} ({report.open_deals})" in text
                assert report.pipeline_velocity is not None and f"{report.pipeline_velocity:,.2f}" in text

    asyncio.run(run())


def test_the_pipeline_table_is_never_rendered_to_measure_it(demo_store: Any, monkeypatch: Any) -> None:
    """Its height is its lines (a header, a line per group, the team's): the
    layout rendered a 50-rep table four times an open to find it out."""
    from rich.table import Table
    from textual.visual import RichVisual

    measured: list[object] = []
    original = RichVisual.get_height

    def get_height(self: RichVisual, rules: Any, width: int) -> int:
        if isinstance(self._renderable, Table):
            measured.append(self._renderable)
        return original(self, rules, width)

    monkeypatch.setattr(RichVisual, "get_height", get_height)

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DashboardScreen) and screen.data is not None
            by = screen.query_one("#pipeline-by", Static)
            table = by.visual._renderable  # type: ignore[attr-defined]
            assert isinstance(table, Table)
            lines = app.console.render_lines(table, app.console.options.update_width(by.content_region.width))
            assert by.styles.height is not None and by.styles.height.value == len(lines)
            assert len(lines) == len(screen.data.pipeline.groups) + 2
            assert measured == []

    asyncio.run(run())


def test_the_first_open_plots_each_chart_once(demo_store: Any, monkeypatch: Any) -> None:
    """No chart plots its empty axes for the frame before the figures come
    (a plotext build and an ANSI decode, thrown away at once): one plot each."""
    from salessprint.tui.widgets.charts import Chart

    plotted: list[str] = []
    render = Chart.render

    def counted(self: Chart) -> Any:
        if self.shown:
            plotted.append(self.id or "")
        return render(self)

    monkeypatch.setattr(Chart, "render", counted)

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            plotted.clear()
            await pilot.press("7")
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen) and app.screen.data is not None
            assert sorted(plotted) == ["burndown-chart", "velocity-chart"]

    asyncio.run(run())


def test_the_first_open_lays_out_and_paints_each_panel_once(demo_store: Any, monkeypatch: Any) -> None:
    """The panels are laid out once, with their figures: the empty panels'
    layout and paint, then a second round when the figures changed every
    panel's size (the pipeline table's height), cost every first open."""
    from textual import events
    from textual.widget import Widget

    resized: list[str] = []
    rendered: list[str] = []
    post = Widget.post_message
    render = Static.render

    def posted(self: Widget, message: Any) -> bool:
        if isinstance(message, events.Resize) and isinstance(self.screen, DashboardScreen) and self.id:
            resized.append(self.id)
        return post(self, message)

    def static_render(self: Static) -> Any:
        if self.id in ("flags", "pipeline-by"):
            rendered.append(self.id)
        return render(self)

    monkeypatch.setattr(Widget, "post_message", posted)
    monkeypatch.setattr(Static, "render", static_render)

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("7")
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen) and app.screen.data is not None
            panels = ["velocity-panel", "attainment-panel", "burndown-panel", "coaching-panel", "pipeline-panel"]
            for name in [*panels, "velocity-chart", "burndown-chart", "reps", "flags", "pipeline-by"]:
                assert resized.count(name) == 1, (name, resized.count(name))
            assert sorted(rendered) == ["flags", "pipeline-by"]

    asyncio.run(run())


def test_the_charts_draw_what_plotext_prints_without_parsing_escape_codes(demo_store: Any, monkeypatch: Any) -> None:
    """A chart turns plotext's built matrix into text directly: the same
    cells and colours as its printed output parsed back (Text.from_ansi,
    half a chart's drawing time), which no longer runs."""
    from rich.segment import Segment
    from rich.text import Text

    from salessprint.tui.widgets.charts import BurndownChart, Chart, VelocityChart

    parsed: list[str] = []
    from_ansi = Text.from_ansi.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Text], *args: Any, **kwargs: Any) -> Text:
        parsed.append("from_ansi")
        text: Text = from_ansi(cls, *args, **kwargs)
        return text

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            monkeypatch.setattr(Text, "from_ansi", classmethod(counted))
            await pilot.press("7")
            await settle(pilot)
            assert parsed == []
            monkeypatch.undo()
            for kind in (VelocityChart, BurndownChart):
                chart: Chart = app.screen.query_one(kind)
                drawn = chart.render()
                printed = Text.from_ansi(chart.plt.build())
                assert isinstance(drawn, Text) and drawn.plain == printed.plain and drawn.plain.strip()
                options = app.console.options.update_width(chart.size.width)
                assert list(Segment.simplify(app.console.render(drawn, options))) == list(
                    Segment.simplify(app.console.render(printed, options))
                )

    asyncio.run(run())
