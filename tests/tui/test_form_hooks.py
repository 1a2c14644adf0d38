"""A form that forgets its fields or its save call fails when it is defined."""

import pytest

from salessprint.tui.widgets.form import FormModal


def test_a_form_without_hooks_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="must define fields, save_call"):

        class Broken(FormModal[None]):
            pass


def test_the_shipped_forms_define_their_hooks() -> None:
    from salessprint.tui.modals.deal_form import DealForm
    from salessprint.tui.modals.goal_form import GoalForm
    from salessprint.tui.modals.task_form import TaskForm

    for form in (DealForm, GoalForm, TaskForm):
        assert callable(form.fields) and callable(form.save_call)
