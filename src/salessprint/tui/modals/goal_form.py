"""Plan the next sprint, or change its goal: one field, checked by pydantic."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from salessprint.domain.inputs import Form
from salessprint.domain.values import SprintView
from salessprint.services.sprints import plan_sprint
from salessprint.tui.widgets.form import FieldSpec, FormModal, FormValues

if TYPE_CHECKING:
    from salessprint.tui.widgets.form import SaveCall


class SprintGoalIn(Form):
    """A sprint goal: one sentence the team can remember."""

    goal: Annotated[str, Field(max_length=300)] | None = None


class GoalForm(FormModal[SprintView]):
    """Creates the next sprint (when none is planned) or sets the planned one's goal."""

    MODEL = SprintGoalIn

    def __init__(self, planned: SprintView | None) -> None:
        self.planned = planned
        self.TITLE_TEXT = f"Goal of sprint {planned.number}" if planned else "Plan the next sprint"
        super().__init__()

    def fields(self) -> list[FieldSpec]:
        goal = self.planned.goal if self.planned and self.planned.goal else ""
        return [FieldSpec("goal", "Goal", goal, "e.g. Close the three Q4 renewals")]

    def save_call(self, values: FormValues) -> SaveCall[SprintView]:
        return plan_sprint, (), {"goal": values["goal"] or ""}
