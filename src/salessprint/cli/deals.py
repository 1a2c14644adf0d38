"""`deal`, `task` and `log` commands: the rep's daily work."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, emit, format_option, print_table, to_jsonable

DEAL_COLUMNS = ["id", "title", "account", "value", "stage", "owner", "expected_close", "points"]
TASK_COLUMNS = ["id", "title", "kind", "status", "assignee", "points", "due_on", "deal_id"]


@click.group("deal")
def deal_group() -> None:
    """Deals in the pipeline."""


@deal_group.command("add")
@click.argument("title")
@click.option("--account", required=True, help="Account (company) name; created if new.")
@click.option("--value", required=True, help="Deal value, e.g. 12500 or 12500.50.")
@click.option("--owner", help="Owner's login (default: you).")
@click.option("--stage", help="Stage name (default: the first stage).")
@click.option("--close", help="Expected close date, YYYY-MM-DD.")
@click.option("--points", help="Effort estimate in points.")
@pass_ctx
def deal_add(
    ctx: Ctx,
    title: str,
    account: str,
    value: str,
    owner: str | None,
    stage: str | None,
    close: str | None,
    points: str | None,
) -> None:
    """Add a deal; prints its id."""
    from salessprint.services.deals import add_deal

    view = add_deal(
        ctx.store(),
        ctx.login,
        title=title,
        account=account,
        value=value,
        owner=owner,
        stage=stage,
        expected_close=close,
        points=points,
    )
    click.echo(view.id)


@deal_group.command("list")
@click.option("--mine", is_flag=True, help="Only my deals.")
@click.option("--open", "open_only", is_flag=True, help="Only open deals.")
@click.option("--stage", help="Only deals in this stage.")
@click.option("--search", help="Text in title, account, owner or stage.")
@click.option("--limit", type=click.IntRange(1, 100000), help="At most this many.")
@format_option
@pass_ctx
def deal_list(
    ctx: Ctx, mine: bool, open_only: bool, stage: str | None, search: str | None, limit: int | None, fmt: str
) -> None:
    """List deals in backlog order."""
    from salessprint.services.deals import list_deals

    rows = list_deals(ctx.store(), ctx.login, mine=mine, open_only=open_only, stage=stage, text=search, limit=limit)
    emit(fmt, "deals", rows, DEAL_COLUMNS)


@deal_group.command("move")
@click.argument("deal_id", type=int)
@click.argument("stage")
@click.option("--reason", help="Why it was lost (with Lost).")
@pass_ctx
def deal_move(ctx: Ctx, deal_id: int, stage: str, reason: str | None) -> None:
    """Move a deal to STAGE (Won and Lost close it)."""
    from salessprint.services.deals import move_deal

    view = move_deal(ctx.store(), ctx.login, deal_id, stage, lost_reason=reason)
    click.echo(f"Deal #{view.id} is now in {view.stage}.")


@deal_group.command("show")
@click.argument("deal_id", type=int)
@format_option
@pass_ctx
def deal_show(ctx: Ctx, deal_id: int, fmt: str) -> None:
    """Show one deal."""
    from salessprint.services.deals import get_deal

    view = get_deal(ctx.store(), ctx.login, deal_id)
    if fmt == "json":
        dump_json(view)
    else:
        data = to_jsonable(view)
        print_table([{"field": k, "value": v} for k, v in data.items()], ["field", "value"])


@deal_group.command("collaborate")
@click.argument("deal_id", type=int)
@click.argument("login")
@pass_ctx
def deal_collaborate(ctx: Ctx, deal_id: int, login: str) -> None:
    """Add LOGIN as a collaborator on a deal."""
    from salessprint.services.deals import add_collaborator

    view = add_collaborator(ctx.store(), ctx.login, deal_id, login)
    click.echo(f"Deal #{view.id} collaborators: {', '.join(view.collaborators) or '(none)'}.")


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
@click.option("--deal", "deal_id", type=int, help="The deal it belongs to.")
@pass_ctx
def task_add(
    ctx: Ctx, title: str, kind: str, assignee: str | None, points: str | None, due: str | None, deal_id: int | None
) -> None:
    """Add a task; prints its id."""
    from salessprint.services.tasks import add_task

    view = add_task(
        ctx.store(), ctx.login, title=title, kind=kind, assignee=assignee, points=points, due_on=due, deal_id=deal_id
    )
    click.echo(view.id)


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
@click.argument("task_id", type=int)
@click.argument("status")
@pass_ctx
def task_move(ctx: Ctx, task_id: int, status: str) -> None:
    """Move a task to todo, doing or done."""
    from salessprint.services.tasks import move_task

    view = move_task(ctx.store(), ctx.login, task_id, status)
    click.echo(f"Task #{view.id} is now {view.status}.")


@click.command("log")
@click.argument("kind")
@click.option("--deal", "deal_id", type=int, help="The deal it was about.")
@click.option("--outcome", help="What came of it.")
@click.option("--note", help="A longer note.")
@click.option("--when", help="When it happened, YYYY-MM-DDTHH:MM (default now).")
@click.option("--member", help="Log for this member (managers).")
@pass_ctx
def log_cmd(
    ctx: Ctx,
    kind: str,
    deal_id: int | None,
    outcome: str | None,
    note: str | None,
    when: str | None,
    member: str | None,
) -> None:
    """Log an activity: call, email, meeting, note, demo or proposal."""
    from salessprint.services.activities import log_activity

    view = log_activity(
        ctx.store(), ctx.login, member=member, kind=kind, deal_id=deal_id, outcome=outcome, note=note, when=when
    )
    click.echo(f"Logged a {view.kind} for {view.login} (#{view.id}).")


COMMANDS = [deal_group, task_group, log_cmd]
