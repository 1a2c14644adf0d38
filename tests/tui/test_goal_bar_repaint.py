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


def test_showing_a_goal_restyles_the_bar_once(monkeypatch: Any) -> None:
    """Three classes change in one restyle (each restyle also styles the bar's
    three component classes): twelve bars made 150 restyles as the screen opened."""
    from textual.app import App, ComposeResult

    class Host(App[None]):
        def get_theme_variable_defaults(self) -> dict[str, str]:
            return {"goal-bar": "green", "goal-behind": "red"}

        def compose(self) -> ComposeResult:
            yield GoalBar("call", id="bar")

    async def run() -> None:
        app = Host()
        async with app.run_test() as pilot:
            bar = app.query_one(GoalBar)
            restyled: list[object] = []
            original = app.update_styles

            def update_styles(node: Any, animate: bool = True) -> None:
                restyled.append(node)
                original(node, animate)

            monkeypatch.setattr(app, "update_styles", update_styles)
            bar.show(3, 10, 5)  # untargeted off (never on), behind on
            await pilot.pause()
            bar.show(12, 10, 5)  # behind off, met on
            await pilot.pause()
            bar.show(0, None, None)  # met off, untargeted on
            await pilot.pause()
            assert restyled == [bar, bar, bar]
            assert bar.has_class("untargeted") and not bar.has_class("met") and not bar.has_class("behind")

    import asyncio

    asyncio.run(run())
