"""Sprint planning: the next sprint's goal and items, capacity per rep (their
forecast velocity scaled by the days they are not off) beside what is
committed; record a day off; start and close sprints."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label

from salessprint.domain.capacity import capacity, over_by
from salessprint.domain.enums import Role
from salessprint.domain.text import counted
from salessprint.domain.values import MemberView, SprintItemView, SprintView
from salessprint.services.capacity import SprintDays, sprint_days
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
from salessprint.tui.guards import Owned, refused_reason
from salessprint.tui.screens.base import BaseScreen, theme_colour
from salessprint.tui.service_calls import call_service

if TYPE_CHECKING:
    from salessprint.services.capacity import TimeOffAdded
    from salessprint.store.db import Store


@dataclass(frozen=True)
class Capacity:
    """One rep's line: forecast velocity, scaled by available days, against points committed."""

    member: MemberView
    forecast: Decimal | None
    committed: int
    reason: str | None = None
    """Why the forecast is unknown (e.g. "2 closed sprints; a forecast needs 3")."""
    available: int | None = None
    """Working days of the planned sprint the rep is not off (None: no sprint planned)."""
    normal: int | None = None
    """Working days of the planned sprint."""

    @property
    def points(self) -> Decimal | None:
        """Capacity in points: the forecast × available / normal days (the
        forecast itself while no sprint is planned); None while unknown."""
        if self.available is None or self.normal is None:
            return self.forecast
        return capacity(self.forecast, self.available, self.normal)

    @property
    def over(self) -> Decimal:
        """Committed beyond capacity (negative: room left); 0 while unknown."""
        return over_by(self.committed, self.points) or Decimal(0)


@dataclass(frozen=True)
class Planning:
    planned: SprintView | None
    active: SprintView | None
    items: list[SprintItemView] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)
    history: int = 3
    """The closed sprints the forecasts average (the team's window, as in `report velocity`)."""
    days: SprintDays | None = None
    """The planned sprint's working days and each member's available ones."""
    forecast_total: Decimal | None = None
    """The known reps' forecasts together, rounded once (as `report velocity`)."""


def load_planning(store: Store, login: str) -> Planning:
    """Everything the screen shows, read through the services (in a worker)."""
    planned, active = open_sprints(store, login)  # not every closed sprint of five years
    items = [i for i in sprint_items(store, login, planned.number) if not i.removed] if planned else []
    committed = sprint_points_by_member(store, login, planned.number) if planned else {}
    days = sprint_days(store, login, planned.starts_on, planned.ends_on) if planned else None
    forecasts = planning_forecasts(store, login)
    capacity = [
        Capacity(
            m,
            forecasts.by_login.get(m.login),
            committed.get(m.login, 0),
            forecasts.reasons.get(m.login),
            days.available.get(m.login) if days else None,
            days.normal if days else None,
        )
        for m in list_members(store, login)
        if m.role == Role.REP or committed.get(m.login)
    ]
    known = [c.member.login for c in capacity if c.forecast is not None]
    return Planning(planned, active, items, capacity, forecasts.history, days, forecasts.total(known))


def team_capacity(data: Planning) -> str:
    """The team's capacity line: the known capacities' sum and the days they stand on."""
    known = [c.points for c in data.capacity if c.points is not None]
    if data.days is None or not known:
        return ""
    holidays = data.days.holidays
    off = f", {holidays} team holiday{'s' if holidays != 1 else ''}" if holidays else ""
    return f"capacity {sum(known, Decimal(0))} pt over {data.days.normal} working days{off}; "


def team_forecast(data: Planning) -> str:
    """The team's forecast line: the known forecasts' sum, saying who is unknown and why."""
    known = [c.forecast for c in data.capacity if c.forecast is not None]
    unknown = [c for c in data.capacity if c.forecast is None]
    window = f"mean of the last {data.history} closed sprints"
    if not known:
        reason = unknown[0].reason if unknown and unknown[0].reason else "no reps"
        return f"team forecast unknown ({reason})"
    total = data.forecast_total if data.forecast_total is not None else sum(known, Decimal(0))
    line = f"team forecast {total} pt ({window}"
    if unknown:
        line += f"; {counted(len(unknown), 'rep')} unknown, not counted"
    return line + ")"


def time_off_note(result: TimeOffAdded) -> str:
    """What a saved day off says: the days recorded and those already there."""
    added = result.added
    line = f"Day off for {result.who}: " if len(added) == 1 else f"{len(added)} days off for {result.who}: "
    line += ", ".join(f"{a.day:%a %d %b}" for a in added[:5]) + ("…" if len(added) > 5 else "")
    if not added:
        line = f"{result.who} is already off then"
    if result.already and added:
        line += f" ({len(result.already)} already recorded)"
    return line + "."


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
        Binding(
            "o",
            "time_off",
            "Day off",
            id="planning.time_off",
            tooltip="Record a day off for the selected rep (a rep: for yourself); capacity drops with it",
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
                yield Label("Capacity (forecast × available days) vs committed", classes="panel-title")
                yield DataTable(id="planning-capacity", cursor_type="row")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        items = self.query_one("#planning-items", DataTable)
        for key, label in (("title", "Title"), ("points", "Pts"), ("owner", "Owner"), ("type", "Type")):
            items.add_column(label, key=key)
        cap = self.query_one("#planning-capacity", DataTable)
        for key, label in (
            ("rep", "Rep"),
            ("forecast", "Forecast"),
            ("days", "Days"),
            ("capacity", "Capacity"),
            ("committed", "Committed"),
            ("state", "Load"),
        ):
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
            # The keys named are those my role has (a rep's are disabled: tui/guards).
            title.append("No sprint planned.", style="bold")
            plan = refused_reason(self.app, self, "plan") is None
            title.append("  n plans the next one" if plan else "  A manager plans the next one")
            if data.active is not None:
                close = " (c closes it)" if refused_reason(self.app, self, "close") is None else ""
                title.append(f"; sprint {data.active.number} is active until {data.active.ends_on:%a %d %b}{close}.")
        else:
            p = data.planned
            title.append(f"Sprint {p.number} (planned) {p.starts_on:%a %d %b} – {p.ends_on:%a %d %b}", style="bold")
            title.append("   Goal: ")
            title.append(p.goal or "none yet (g sets it)", style="italic")
            total = sum(i.points for i in data.items)
            title.append(f"\n{total} pt committed, {team_capacity(data)}{team_forecast(data)}")
            if data.active is not None:
                title.append(f"   · sprint {data.active.number} is still active: close it (c) before starting (s)")
        self.query_one("#planning-title", Label).update(title)

        self._show_items(data)
        cap = self.query_one("#planning-capacity", DataTable)
        row = cap.cursor_row
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
            days = "–" if c.available is None else f"{c.available}/{c.normal}"
            cap.add_row(
                Text(c.member.name),
                Text(forecast_text, justify="right"),
                Text(days, justify="right"),
                Text("unknown" if c.points is None else str(c.points), justify="right"),
                Text(str(c.committed), justify="right"),
                state,
                key=c.member.login,
            )
        if data.capacity:
            cap.move_cursor(row=min(row, len(data.capacity) - 1))

    def _show_items(self, data: Planning) -> None:
        """The committed items, the title cut to leave the owner's whole name in view."""
        items = self.query_one("#planning-items", DataTable)
        row = items.cursor_row
        items.clear()
        ordered = sorted(data.items, key=lambda i: (i.owner_name, i.id))
        owner = max((len(i.owner_name) for i in ordered), default=5)
        kind = max((len(i.kind or i.item_type) for i in ordered), default=4)
        points = max((len(str(i.points)) for i in ordered), default=3)
        # Each column has a cell's padding either side; a scrollbar may take 2 more.
        room = items.content_size.width - (max(owner, 5) + max(kind, 4) + max(points, 3)) - 2 * 4 - 2
        for item in ordered:
            title = Text(item.title)
            title.truncate(max(room, 6), overflow="ellipsis")
            items.add_row(
                title,
                Text(str(item.points), justify="right"),
                Text(item.owner_name),
                Text(item.kind or item.item_type),
                key=str(item.id),
            )
        if ordered:
            items.move_cursor(row=min(row, len(ordered) - 1))

    def on_resize(self) -> None:
        if self.data is not None:
            self._show_items(self.data)

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

    def action_time_off(self) -> None:
        """A day off for the rep selected in the capacity table (a rep: always their own)."""
        from salessprint.tui.modals.time_off_form import TimeOffForm

        data = self.data
        cap = self.query_one("#planning-capacity", DataTable)
        me = self.app.me
        chosen = data.capacity[cap.cursor_row].member if data and data.capacity and cap.row_count else None
        if me is not None and (me.role == Role.REP or chosen is None):
            whom = (me.login, me.name)
        elif chosen is not None:
            whom = (chosen.login, chosen.name)
        else:
            return
        first = data.planned.starts_on if data and data.planned else None

        def saved(result: TimeOffAdded | None) -> None:
            if result is not None:
                self._changed(time_off_note(result))

        self.app.push_screen(TimeOffForm(whom[0], whom[1], first), saved)

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
