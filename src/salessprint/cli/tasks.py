"""`task` commands: calls to make, follow-ups, proposals to write."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo, emit, format_option
from salessprint.cli.params import DEAL_ID, TASK_ID

TASK_COLUMNS = ["id", "title", "kind", "status", "assignee", "points", "due_on", "deal_id"]


@click.group("task")
def task_group() -> None:
    """Tasks: calls to make, follow-ups, proposals to write."""


@task_group.command("add")
@click.argument("title")
@click.option(
    "--kind",
    default="other",
    show_default=True,
    help="call, email, meeting, note, demo, proposal, follow-up, admin or other.",
)
@click.option("--assignee", help="Assignee's login (default: you).")
@click.option("--points", help="Effort in points.")
@click.option("--due", help="Due date, YYYY-MM-DD.")
@click.option("--deal", "deal_id", type=DEAL_ID, help="The deal it belongs to.")
@pass_ctx
def task_add(
    ctx: Ctx, title: str, kind: str, assignee: str | None, points: str | None, due: str | None, deal_id: int | None
) -> None:
    """Add a task; prints its id."""
    from salessprint.services.tasks import add_task

    view = add_task(
        ctx.store(), ctx.login, title=title, kind=kind, assignee=assignee, points=points, due_on=due, deal_id=deal_id
    )
    echo(view.id)


@task_group.command("list")
@click.option("--mine", is_flag=True, help="Only my tasks.")
@click.option("--status", help="todo, doing or done.")
@click.option("--assignee", help="Only this member's tasks.")
@click.option("--search", help="Text in title, kind, assignee or deal.")
@format_option
@pass_ctx
def task_list(ctx: Ctx, mine: bool, status: str | None, assignee: str | None, search: str | None, fmt: str) -> None:
    """List tasks in backlog order."""
    from salessprint.services.tasks import list_tasks

    rows = list_tasks(ctx.store(), ctx.login, mine=mine, status=status, assignee=assignee, text=search)
    emit(fmt, "tasks", rows, TASK_COLUMNS)


@task_group.command("move")
@click.argument("task_id", type=TASK_ID)
@click.argument("status")
@pass_ctx
def task_move(ctx: Ctx, task_id: int, status: str) -> None:
    """Move a task to todo, doing or done."""
    from salessprint.services.tasks_core import move_task_core  # Core only: no ORM to import

    view = move_task_core(ctx.store(), ctx.login, task_id, status)
    echo(f"Task #{view.id} is now {view.status}.")


COMMANDS = [task_group]
