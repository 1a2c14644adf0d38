"""Today: the rep's home screen (key 0, the first screen for a rep).

My activity goals with where I should be by now, then one list in sections:
tasks due today and overdue (how many days late), today's calls and
meetings, my open deals without a next step, my rotting deals. Each section
holds a few rows and says how many more there are. Enter opens a task's form
or a deal's room, `d` finishes a task, `l` logs an activity (on the selected
row's deal), `R` moves every stale task to a day, `X` takes their due dates
off; both are one change that ctrl+z takes back. The data is one service
call (`services.today.today`) in a worker; `reload` follows the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, Static

from salessprint.domain.text import counted
from salessprint.domain.today import late_words
from salessprint.domain.values import ActivityView, DealView, TaskView
from salessprint.services.deals import get_deal
from salessprint.services.tasks import get_task, move_task
from salessprint.services.today import BulkResult, DealList, TaskList, TodayView, clear_stale, reschedule_stale, today
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.goal_bar import KIND_LABELS
from salessprint.tui.widgets.row_table import Column, RowTable

COLUMNS = (
    Column("", 12),
    Column("What", min_width=24),
    Column("Deal / stage", 28),
    Column("Due", 10),
    Column("Kind / value", 14, "right"),
)


@dataclass(frozen=True)
class Line:
    """What a row of the list stands for: a heading, a task, a deal, or a note."""

    kind: str
    """heading, task, deal or note."""
    id: int = 0
    deal_id: int | None = None
    version: int = 0


def _heading(title: str, total: int) -> list[Text]:
    return [Text(""), Text(f"{title} ({total})", style="bold underline"), Text(""), Text(""), Text("")]


def _note(text: str) -> list[Text]:
    return [Text(""), Text(text, style="dim italic"), Text(""), Text(""), Text("")]


def _late(days: int) -> Text:
    return Text(late_words(days), style="bold" if days else "")


class TodayScreen(BaseScreen):
    """My day: what is due, what is late, which deals need me, my goals by now."""

    TITLE_TEXT = "Today"
    DEFAULT_CSS = """
    TodayScreen #today-goals { height: auto; padding: 0 1; border: round $panel; }
    TodayScreen #today-status { padding: 0 1; color: $text-muted; }
    TodayScreen #today-table { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "done", "Done", id="today.done", tooltip="Mark the selected task done"),
        Binding("l", "log", "Log activity", id="today.log", tooltip="Log an activity (on the selected row's deal)"),
        Binding(
            "R", "reschedule", "Reschedule stale", id="today.reschedule", tooltip="Move all my stale tasks to a day"
        ),
        Binding(
            "X",
            "clear",
            "Clear stale",
            id="today.clear",
            tooltip="Take the due date off all my stale tasks (they stay in the backlog)",
        ),
        Binding("r", "reload", "Refresh", id="today.refresh", show=False, tooltip="Load my day again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: TodayView | None = None
        self.lines: list[Line] = []
        """What each row of the table stands for."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static("Loading your day…", id="today-goals")
        yield Label("", id="today-status")
        yield RowTable(COLUMNS, id="today-table")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one(RowTable).focus()

    # --- loading -----------------------------------------------------------------
    def reload(self) -> None:
        work = call_service(self.app, today, done=self.show, group="today")
        if self.view is None:
            hold_keys(self.app, work)  # keys typed as the screen opens act on the loaded list

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("reschedule", "clear") and (self.view is None or self.view.stale == 0):
            return None  # shown disabled: nothing is stale
        return True

    def show(self, view: TodayView) -> None:
        self.view = view
        self.query_one("#today-goals", Static).update(self._goals(view))
        status = Text(f"{view.name} · {view.today:%A %d %B} · {view.clock:%H:%M}")
        if view.stale:
            stale = "1 stale task" if view.stale == 1 else f"{view.stale} stale tasks"
            status.append(f" · {stale}: R reschedules, X clears the due date")
        self.query_one("#today-status", Label).update(status)
        rows: list[list[Text]] = []
        lines: list[Line] = []
        self._tasks(rows, lines, "Tasks due and overdue", view.tasks, "Nothing due today or late.")
        self._tasks(rows, lines, "Calls and meetings today", view.appointments, "No calls or meetings due today.")
        self._deals(rows, lines, "Open deals without a next step", view.no_next_step, view, "Every open deal has one.")
        self._deals(
            rows, lines, f"Rotting deals (no stage change for {view.rotting_days}+ days)", view.rotting, view, "None."
        )
        table = self.query_one(RowTable)
        keep = self.selected()
        self.lines = lines
        table.set_rows(rows)
        target = next(
            (i for i, line in enumerate(lines) if keep is not None and (line.kind, line.id) == (keep.kind, keep.id)),
            None,
        )
        if target is None:
            target = next((i for i, line in enumerate(lines) if line.kind in ("task", "deal")), 0)
        table.move_cursor(row=min(target, max(0, len(rows) - 1)))
        self.refresh_bindings()

    def _goals(self, view: TodayView) -> Text:
        if not view.goals:
            return Text("No activity targets today.", style="dim")
        out = Text()
        for i, goal in enumerate(view.goals):
            if i:
                out.append("\n")
            label = KIND_LABELS.get(goal.kind, goal.kind.title())
            out.append(f"{label:<10}", style="bold")
            out.append(f"{goal.done} of {goal.target} today")
            out.append(f" · should be at {goal.by_now:g} by now ({view.clock:%H:%M})")
            out.append(f" · {goal.pace}", style="bold" if goal.pace == "behind" else "")
        return out

    @staticmethod
    def _more(rows: list[list[Text]], lines: list[Line], more: int, where: str) -> None:
        if more > 0:
            rows.append(_note(f"+{more} more {where}"))
            lines.append(Line("note"))

    def _tasks(self, rows: list[list[Text]], lines: list[Line], title: str, tasks: TaskList, empty: str) -> None:
        rows.append(_heading(title, tasks.total))
        lines.append(Line("heading"))
        for task in tasks.items:
            rows.append(
                [
                    _late(task.days_late),
                    Text(task.title),
                    Text(task.deal_title or ""),
                    Text(f"{task.due_on:%a %d %b}"),
                    Text(task.kind, style="italic", justify="right"),
                ]
            )
            lines.append(Line("task", task.id, task.deal_id, task.version))
        if not tasks.items:
            rows.append(_note(empty))
            lines.append(Line("note"))
        self._more(rows, lines, tasks.more, "in the backlog (1)")

    def _deals(
        self, rows: list[list[Text]], lines: list[Line], title: str, deals: DealList, view: TodayView, empty: str
    ) -> None:
        rows.append(_heading(title, deals.total))
        lines.append(Line("heading"))
        for deal in deals.items:
            days = f"{counted(deal.days_in_stage, 'day')} in stage"
            rows.append(
                [
                    Text("deal", style="bold"),
                    Text(deal.title),
                    Text(f"{deal.stage} · {days}"),
                    Text(""),
                    Text(f"{view.currency} {deal.value:,.0f}", justify="right"),
                ]
            )
            lines.append(Line("deal", deal.id, deal.id))
        if not deals.items:
            rows.append(_note(empty))
            lines.append(Line("note"))
        self._more(rows, lines, deals.more, "on the pipeline (4)")

    def selected(self) -> Line | None:
        table = self.query_one(RowTable)
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    # --- keys ----------------------------------------------------------------------
    def _changed(self, message: str | None = None) -> None:
        if message:
            self.notify(message, markup=False)
        self.reload()
        self.app.refresh_context()

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        """Enter: a task opens its form (as on the backlog), a deal its room."""
        event.stop()
        line = self.selected()
        if line is None:
            return
        if line.kind == "deal":
            from salessprint.tui.screens.deal_room import DealRoomScreen

            self.app.push_screen(DealRoomScreen(line.id))
        elif line.kind == "task":
            from salessprint.tui.modals.task_form import TaskForm

            def closed(result: TaskView | None) -> None:
                if result is not None:
                    self._changed(f"Saved task #{result.id}: {result.title}")

            # The form opens when the store answers: keys typed meanwhile are for it.
            hold_keys(
                self.app,
                call_service(
                    self.app, get_task, line.id, done=lambda task: self.app.push_screen(TaskForm(task), closed)
                ),
            )

    def action_done(self) -> None:
        line = self.selected()
        if line is None or line.kind != "task":
            return
        call_service(
            self.app,
            move_task,
            line.id,
            "done",
            expected_version=line.version,
            done=lambda task: self._changed(f"Done: {task.title}"),
            failed=lambda _exc: self.reload(),
            group="today-write",
        )

    def action_log(self) -> None:
        from salessprint.tui.modals.log_activity import LogActivityModal

        def logged(view: ActivityView | None) -> None:
            if view is not None:
                label = KIND_LABELS.get(view.kind, view.kind).rstrip("s")
                self._changed(f"{label} logged" + (f": {view.outcome}" if view.outcome else ""))

        def open_modal(deal: DealView | None) -> None:
            self.app.push_screen(LogActivityModal(deal), logged)

        line = self.selected()
        if line is None or line.deal_id is None:
            open_modal(None)
            return
        # The dialog opens with the deal chosen once it is read: the kind's letter waits for it.
        hold_keys(self.app, call_service(self.app, get_deal, line.deal_id, done=open_modal))

    def _bulk(self, fn: Callable[..., BulkResult], **kwargs: object) -> None:
        call_service(
            self.app,
            fn,
            **kwargs,
            done=lambda result: self._changed(result.message),
            failed=lambda _exc: self.reload(),
            group="today-write",
        )

    def action_reschedule(self) -> None:
        view = self.view
        if view is None or not view.stale:
            return
        from salessprint.tui.modals.reschedule import RescheduleModal

        def chosen(day: date | None) -> None:
            if day is not None:
                self._bulk(reschedule_stale, day=day)

        self.app.push_screen(RescheduleModal(view.stale, self.app.today), chosen)

    def action_clear(self) -> None:
        if self.view is not None and self.view.stale:
            self._bulk(clear_stale)
