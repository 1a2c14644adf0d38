"""Add or edit a task: a form checked by TaskIn / TaskPatch before saving."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salessprint.domain.enums import TaskKind
from salessprint.domain.inputs import TaskIn, TaskPatch
from salessprint.domain.values import TaskView
from salessprint.services.tasks import add_task, get_task, update_task
from salessprint.tui.widgets.form import FieldSpec, FormModal, FormValues

if TYPE_CHECKING:
    from salessprint.tui.widgets.form import SaveCall


class TaskForm(FormModal[TaskView]):
    """New task when `task` is None, else an edit of that task at its version."""

    ROW_ATTR = "editing"
    FRESH = get_task

    def __init__(self, task: TaskView | None = None) -> None:
        self.editing = task
        self.TITLE_TEXT = f"Edit task #{task.id}" if task else "New task"
        self.MODEL = TaskPatch if task else TaskIn
        super().__init__()

    def fields(self) -> list[FieldSpec]:
        t = self.editing
        specs = [
            FieldSpec("title", "Title", t.title if t else "", "e.g. Call the CFO", optional=False),
            FieldSpec(
                "kind",
                "Kind",
                t.kind if t else TaskKind.CALL.value,
                choices=[(k.value, k.value) for k in TaskKind],
                optional=False,
            ),
            FieldSpec("points", "Points", str(t.points) if t and t.points is not None else "", "effort, 0-100"),
            FieldSpec("due_on", "Due date", t.due_on.isoformat() if t and t.due_on else "", "YYYY-MM-DD"),
            FieldSpec("assignee", "Assignee", t.assignee if t else "", "login (empty: me)"),
        ]
        if t is None:
            specs.append(FieldSpec("deal_id", "Deal #", "", "optional deal number"))
        return specs

    def save_call(self, values: FormValues) -> SaveCall[TaskView]:
        if self.editing is None:
            return add_task, (), {k: v for k, v in values.items() if v is not None}
        values = dict(values)
        if not values.get("assignee"):
            values.pop("assignee", None)
        return update_task, (self.editing.id,), {"expected_version": self.editing.version, **values}

    def model_values(self, values: FormValues) -> FormValues:
        if self.editing is None:
            return values
        return {**values, "title": values["title"] if values["title"] is not None else ""}
