"""Sprint planning: the next sprint's goal and items, capacity per rep from
their forecast velocity beside what is committed; start and close sprints."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label

from salessprint.domain.enums import Role
from salessprint.domain.values import MemberView, SprintItemView, SprintView
from salessprint.services.members import list_members
from salessprint.services.reports.forecast import planning_forecasts
from salessprint.services.sprints import (
    close_sprint,
    open_sprints,
    remove_item,
    sprint_items,
    sprint_points_by_member,
    start_sprint,
)
from salessprint.tui.guards import Owned
from salessprint.tui.screens.base import BaseScreen, theme_colour
from salessprint.tui.service_calls import call_service

if TYPE_CHECKING:
    from salessprint.store.db import Store


@dataclass(frozen=True)
class Capacity:
    """One rep's line: forecast velocity against points committed."""

    member: MemberView
    forecast: Decimal | None
    committed: int
    reason: str | None = None
    """Why the forecast is unknown (e.g. "2 closed sprints; a forecast needs 3")."""

    @property
    def over(self) -> Decimal:
        return Decimal(self.committed) - (self.forecast or Decimal(0)) if self.forecast is not None else Decimal(0)


@dataclass(frozen=True)
class Planning:
    planned: SprintView | None
    active: SprintView | None
    items: list[SprintItemView] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)
    history: int = 3
    """The closed sprints the forecasts average (the team's window, as in `report velocity`)."""


def load_planning(store: Store, login: str) -> Planning:
    """Everything the screen shows, read through the services (in a worker)."""
    planned, active = open_sprints(store, login)  # not every closed sprint of five years
    items = [i for i in sprint_items(store, login, planned.number) if not i.removed] if planned else []
    committed = sprint_points_by_member(store, login, planned.number) if planned else {}
    forecasts = planning_forecasts(store, login)
    capacity = [
        Capacity(m, forecasts.by_login.get(m.login), committed.get(m.login, 0), forecasts.reasons.get(m.login))
        for m in list_members(store, login)
        if m.role == Role.REP or committed.get(m.login)
    ]
    return Planning(planned, active, items, capacity, forecasts.history)


def team_forecast(data: Planning) -> str:
    """The team's forecast line: the known forecasts' sum, saying who is unknown and why."""
    known = [c.forecast for c in data.capacity if c.forecast is not None]
    unknown = [c for c in data.capacity if c.forecast is None]
    window = f"mean of the last {data.history} closed sprints"
    if not known:
        reason = unknown[0].reason if unknown and unknown[0].reason else "no reps"
        return f"team forecast unknown ({reason})"
    line = f"team forecast {sum(known, Decimal(0))} pt ({window}"
    if unknown:
        line += f"; {len(unknown)} rep(s) unknown, not counted"
    return line + ")"


class PlanningScreen(BaseScreen):
    """The planned sprint: goal, items, capacity; start and close sprints."""

    TITLE_TEXT = "Planning"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "plan",
            "Plan next sprint",
            id="planning.plan",
            tooltip="Create the next sprint (when none is planned) with a goal",
        ),
        Binding("g", "goal", "Set goal", id="planning.goal", tooltip="Change the planned sprint's goal"),
        Binding(
            "delete,x",
            "remove",
            "Remove item",
            id="planning.remove",
            tooltip="Take the selected item out of the planned sprint",
        ),
        Binding("s", "start", "Start sprint", id="planning.start", tooltip="Start the planned sprint"),
        Binding(
            "c",
            "close",
            "Close sprint",
            id="planning.close",
            tooltip="Close the active sprint; unfinished items carry over",
        ),
        Binding("r", "reload", "Refresh", id="planning.refresh", show=False, tooltip="Reload from the store"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: Planning | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("", id="planning-title", classes="screen-status")
        with Horizontal(id="planning-body"):
            with Vertical(id="planning-items-box", classes="panel"):
                yield Label("Committed items", classes="panel-title")
                yield DataTable(id="planning-items", cursor_type="row", zebra_stripes=True)
            with Vertical(id="planning-capacity-box", classes="panel"):
                yield Label("Capacity (forecast velocity) vs committed", classes="panel-title")
                yield DataTable(id="planning-capacity", cursor_type="row")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        items = self.query_one("#planning-items", DataTable)
        for key, label in (("title", "Title"), ("points", "Pts"), ("owner", "Owner"), ("type", "Type")):
            items.add_column(label, key=key)
        cap = self.query_one("#planning-capacity", DataTable)
        for key, label in (("rep", "Rep"), ("forecast", "Forecast"), ("committed", "Committed"), ("state", "Load")):
            cap.add_column(label, key=key)
        items.focus()

    def reload(self) -> None:
        call_service(self.app, load_planning, done=self.show, group="planning")

    def action_reload(self) -> None:
        self.reload()

    def show(self, data: Planning) -> None:
        self.data = data
        title = Text()
        if data.planned is None:
            title.append("No sprint planned.", style="bold")
            title.append("  n plans the next one")
            if data.active is not None:
                title.append(
                    f"; sprint {data.active.number} is active until {data.active.ends_on:%a %d %b} (c closes it)."
                )
        else:
            p = data.planned
            title.append(f"Sprint {p.number} (planned) {p.starts_on:%a %d %b} – {p.ends_on:%a %d %b}", style="bold")
            title.append("   Goal: ")
            title.append(p.goal or "none yet (g sets it)", style="italic")
            total = sum(i.points for i in data.items)
            title.append(f"\n{total} pt committed, {team_forecast(data)}")
            if data.active is not None:
                title.append(f"   · sprint {data.active.number} is still active: close it (c) before starting (s)")
        self.query_one("#planning-title", Label).update(title)

        items = self.query_one("#planning-items", DataTable)
        row = items.cursor_row
        items.clear()
        for item in sorted(data.items, key=lambda i: (i.owner_name, i.id)):
            items.add_row(
                Text(item.title),
                Text(str(item.points), justify="right"),
                Text(item.owner_name),
                Text(item.kind or item.item_type),
                key=str(item.id),
            )
        if data.items:
            items.move_cursor(row=min(row, len(data.items) - 1))

        cap = self.query_one("#planning-capacity", DataTable)
        cap.clear()
        for c in data.capacity:
            forecast_text = "unknown" if c.forecast is None else f"{c.forecast}"
            state = Text(f"{c.reason}" if c.forecast is None and c.reason else "")
            if c.forecast is not None and c.over > 0:
                state = Text(f"{c.over} over", style=f"bold {theme_colour(self.app, 'error')}")
            elif c.forecast is not None and c.over == 0:
                state = Text("full", style=theme_colour(self.app, "warning"))
            elif c.forecast is not None:
                state = Text(f"{-c.over} free", style=theme_colour(self.app, "success"))
            cap.add_row(
                Text(c.member.name),
                Text(forecast_text, justify="right"),
                Text(str(c.committed), justify="right"),
                state,
                key=c.member.login,
            )

    def _sorted_items(self) -> list[SprintItemView]:
        return sorted(self.data.items, key=lambda i: (i.owner_name, i.id)) if self.data else []

    def selected_owner(self) -> Owned | None:
        """Whose the selected card is (checked before it is taken out: `tui.guards`)."""
        items, row = self._sorted_items(), self.query_one("#planning-items", DataTable).cursor_row
        return Owned("card", items[row].owner, items[row].owner_name) if 0 <= row < len(items) else None

    def _changed(self, note: str | None = None) -> None:
        if note:
            self.notify(note, markup=False)
        self.reload()
        self.app.refresh_context()

    def action_plan(self) -> None:
        from salessprint.tui.modals.goal_form import GoalForm

        if self.data is not None and self.data.planned is not None:
            self.notify(f"Sprint {self.data.planned.number} is already planned; g changes its goal.", markup=False)
            return

        def planned(sprint: SprintView | None) -> None:
            if sprint is not None:
                self._changed(f"Planned sprint {sprint.number}.")

        self.app.push_screen(GoalForm(None), planned)

    def action_goal(self) -> None:
        from salessprint.tui.modals.goal_form import GoalForm

        planned = self.data.planned if self.data else None

        def saved(sprint: SprintView | None) -> None:
            if sprint is not None:
                self._changed(f"Sprint {sprint.number} goal saved.")

        self.app.push_screen(GoalForm(planned), saved)

    def action_remove(self) -> None:
        items = self._sorted_items()
        table = self.query_one("#planning-items", DataTable)
        if not items or self.data is None or self.data.planned is None:
            return
        item = items[table.cursor_row]
        call_service(
            self.app,
            remove_item,
            item.item_type,
            item.item_id,
            self.data.planned.number,
            done=lambda _: self._changed(f"Removed from sprint {item.sprint_number}: {item.title}"),
        )

    def action_start(self) -> None:

        planned = self.data.planned if self.data else None
        if planned is None:
            self.notify("There is no planned sprint to start: n plans one.", markup=False)
            return

        from salessprint.domain import clock
        from salessprint.domain.velocity import started_window
        from salessprint.tui.modals.start_sprint import StartChoice, StartSprintModal, start_question

        def answered(choice: StartChoice | None) -> None:
            if choice is not None:
                call_service(
                    self.app,
                    start_sprint,
                    keep_dates=choice == "keep",
                    done=lambda s: self._changed(f"Sprint {s.number} started: {s.starts_on} to {s.ends_on}."),
                )

        team = self.app.team
        dates = (planned.starts_on, planned.ends_on)
        today = (
            started_window(clock.team_today(team.timezone), team.sprint_weeks, dates, keep_dates=False)
            if team is not None
            else dates
        )
        self.app.push_screen(StartSprintModal(start_question(planned.number, today, dates)), answered)

    def action_close(self) -> None:
        from salessprint.tui.modals.confirm import ConfirmModal

        active = self.data.active if self.data else None
        if active is None:
            self.notify("There is no active sprint to close.", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                call_service(
                    self.app,
                    close_sprint,
                    carry_over=True,
                    done=lambda s: self._changed(f"Sprint {s.number} closed; unfinished work carried over."),
                )

        question = f"Close sprint {active.number}? Unfinished items carry over to the next sprint."
        self.app.push_screen(ConfirmModal(question, yes="Close", no="Keep open"), answered)
