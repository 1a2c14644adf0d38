"""Activity: my goals for today and this week as bars filling as I log.

`l` then a letter logs an activity (`l c` a call, `l m` a meeting, ...);
in between, `/` picks a deal and a digit an outcome (`l / Acme Enter 1 c`).
The bars and the latest-activities table reload after each log.
"""

from __future__ import annotations

from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from salessprint.domain.values import ActivityView
from salessprint.services.activity_view import KIND_ORDER, ActivityGoalsView, Goal, my_goals
from salessprint.tui.modals.log_activity import KINDS, LogActivityModal
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.goal_bar import KIND_LABELS, GoalBar


class ActivityScreen(BaseScreen):
    """My activity goals; log calls, meetings, emails, notes in two keys."""

    TITLE_TEXT = "Activity"
    DEFAULT_CSS = """
    ActivityScreen #goals {
        height: auto;
    }
    ActivityScreen .goal-panel {
        width: 1fr;
        height: auto;
        border: round $panel;
        padding: 0 1;
    }
    ActivityScreen .panel-title {
        text-style: bold;
        width: 1fr;
    }
    ActivityScreen #log-hint {
        padding: 0 1;
        color: $text-muted;
    }
    ActivityScreen #recent {
        height: 1fr;
        border: round $panel;
    }
    ActivityScreen #recent:focus {
        border: round $primary;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "l",
            "log",
            "Log activity",
            id="activity.log",
            tooltip="Log an activity: then c call, m meeting, e email, n note, d demo, p proposal (/ deal, 1-5 outcome first)",
        ),
        Binding("r", "reload", "Refresh", id="activity.refresh", tooltip="Load my goals again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: ActivityGoalsView | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="goals"):
            with Vertical(id="today", classes="goal-panel"):
                yield Label("Today", id="today-title", classes="panel-title")
                for kind in KIND_ORDER:
                    yield GoalBar(kind.value, id=f"today-{kind.value}")
            with Vertical(id="week", classes="goal-panel"):
                yield Label("This week", id="week-title", classes="panel-title")
                for kind in KIND_ORDER:
                    yield GoalBar(kind.value, id=f"week-{kind.value}")
        keys = ", ".join(f"{key} {label.lower()}" for key, _kind, label in KINDS)
        yield Static(
            Text(f"Log in two keys: l then {keys} · before the letter, / picks a deal, 1-5 an outcome"),
            id="log-hint",
        )
        yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one("#recent", DataTable)
        table.border_title = "My latest activities"
        table.add_column("When", key="when")
        table.add_column("Kind", key="kind")
        table.add_column("Deal", key="deal")
        table.add_column("Outcome", key="outcome")
        table.focus()

    def reload(self) -> None:
        call_service(self.app, my_goals, done=self.show_goals, group="activity")

    def action_reload(self) -> None:
        self.reload()

    def show_goals(self, view: ActivityGoalsView) -> None:
        self.view = view
        self.query_one("#today-title", Label).update(Text(f"Today · {view.today:%a %d %b}"))
        self.query_one("#week-title", Label).update(
            Text(f"This week · {view.week_start:%d %b} – {view.week_end:%d %b}")
        )
        for prefix, goals in (("today", view.today_goals), ("week", view.week_goals)):
            for goal in goals:
                self.query_one(f"#{prefix}-{goal.kind}", GoalBar).show(goal.done, goal.target, goal.expected)
        table = self.query_one("#recent", DataTable)
        table.clear()
        zone = ZoneInfo(view.timezone)
        for act in view.recent:
            table.add_row(
                Text(f"{act.occurred_at.astimezone(zone):%a %H:%M}"),
                Text(KIND_LABELS.get(act.kind, act.kind).rstrip("s")),
                Text(act.deal_title or ""),
                Text(act.outcome or ""),
                key=str(act.id),
            )

    def goal(self, period: str, kind: str) -> Goal | None:
        """The loaded goal for `period` ('today' or 'week') and `kind`."""
        if self.view is None:
            return None
        goals = self.view.today_goals if period == "today" else self.view.week_goals
        return next((g for g in goals if g.kind == kind), None)

    def action_log(self) -> None:
        def logged(view: ActivityView | None) -> None:
            if view is None:
                return
            label = KIND_LABELS.get(view.kind, view.kind).rstrip("s")
            message = f"{label} logged"
            if modal.deal is not None and view.deal_id == modal.deal.id:
                message += f" on {modal.deal.title}"
            if view.outcome:
                message += f": {view.outcome}"
            self.notify(message, markup=False)
            self.reload()

        modal = LogActivityModal()
        self.app.push_screen(modal, logged)
