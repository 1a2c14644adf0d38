"""A logged activity repaints the goal bars of its kind only (issue 16).

The Activity screen shows every goal afresh after a log; GoalBar draws
again only when its figures changed. Counted on the widget class's
`render`, keys pressed without pauses."""

from __future__ import annotations

from collections import Counter
from typing import Any

from textual.pilot import Pilot

from salessprint.tui.app import SalesSprintApp
from salessprint.tui.screens.activity import ActivityScreen
from salessprint.tui.widgets.goal_bar import GoalBar
from tests.tui.harness import run_on, settle, toast_shown

SIZE = (140, 40)


def test_a_logged_call_repaints_the_call_bars_and_no_other(demo_store: Any, monkeypatch: Any) -> None:
    renders: Counter[str] = Counter()
    original = GoalBar.render

    def counted(self: GoalBar) -> Any:
        renders[str(self.id)] += 1
        return original(self)

    monkeypatch.setattr(GoalBar, "render", counted)

    async def scenario(pilot: Pilot[Any], app: SalesSprintApp) -> None:
        assert isinstance(app.screen, ActivityScreen)
        await settle(pilot)
        bars = {str(b.id) for b in app.screen.query(GoalBar)}
        assert len(bars) == 12 and all(renders[b] >= 1 for b in bars)
        renders.clear()
        await pilot.press("l", "c")
        await toast_shown(pilot, "Call logged")
        await settle(pilot)
        assert app.screen.query_one("#today-call", GoalBar).done >= 1
        # one bar per period shown (today and this week), each once
        assert set(renders) == {"today-call", "week-call"}, renders
        assert max(renders.values()) == 1, renders

    run_on(demo_store, "alex", "5", SIZE, scenario)
