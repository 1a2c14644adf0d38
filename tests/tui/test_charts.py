"""The burndown chart: both lines start at the points at the start, the
remaining line runs below the legend, today is marked."""

from __future__ import annotations

import re
from datetime import date

import plotext

from salessprint.domain.metrics import ideal_line
from salessprint.services.reports._shared import SprintHeader
from salessprint.services.reports.burndown import BurndownDay, BurndownReport
from salessprint.tui.widgets.charts import burndown_lines

MONDAY = date(2026, 11, 16)


def _report(remaining: list[int | None], today: date | None) -> BurndownReport:
    ideal = ideal_line(15, len(remaining))
    days = [BurndownDay(day=date(2026, 11, 16 + i), remaining=r, ideal=ideal[i]) for i, r in enumerate(remaining)]
    header = SprintHeader(number=1, goal=None, starts_on=MONDAY, ends_on=date(2026, 11, 22), state="active")
    return BurndownReport(sprint=header, start_points=15, days=days, today=today)


def test_both_lines_start_at_the_committed_points_and_today_is_marked() -> None:
    lines = burndown_lines(_report([15, 11, 6, None, None], today=date(2026, 11, 18)))
    assert lines.labels == ["start", "Mon", "Tue", "Wed", "Thu", "Fri"]
    # 15 at the start, then 15 x 4/5, 3/5 ... at the end of each day.
    assert lines.ideal == [15.0, 12.0, 9.0, 6.0, 3.0, 0.0]
    assert lines.remaining == [(0.0, 15.0), (1.0, 15.0), (2.0, 11.0), (3.0, 6.0)]
    assert lines.today == 3.0  # Wednesday
    assert lines.top == 22.5
    closed = burndown_lines(_report([15, 11, 6, 6, 6], today=None))
    assert closed.today is None and closed.remaining[-1] == (5.0, 6.0)


def test_the_remaining_line_is_drawn_below_the_legend() -> None:
    lines = burndown_lines(_report([15, 15, 14, 14, 13], today=None))
    plotext.clear_figure()
    plotext.plotsize(60, 16)
    plotext.theme("clear")
    plotext.plot(lines.xs, lines.ideal, marker="braille", label="ideal")
    plotext.plot([x for x, _ in lines.remaining], [r for _, r in lines.remaining], marker="hd", label="remaining")
    plotext.ylim(0, lines.top)
    plotext.xticks(lines.xs, lines.labels)
    rows = re.sub(r"\x1b\[[0-9;]*m", "", plotext.build()).splitlines()
    legend = [i for i, row in enumerate(rows) if "ideal" in row or "remaining" in row]
    assert len(legend) == 2
    drawn = [i for i, row in enumerate(rows) if re.search("[▀▄▖▗▘▝▚▞▌▐█]", row) and i not in legend]
    # The line's cells are all below the legend's rows: nothing hides under it.
    assert drawn and min(drawn) > max(legend)
    for i in legend:
        assert not re.search("[▀▄▖▗▘▝▚▌▐█]", rows[i].split("remaining")[-1].split("ideal")[-1])
