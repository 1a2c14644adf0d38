"""`sprint` commands: plan, add/remove items, start, close, list, board."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo, emit, format_option
from salessprint.cli.params import ITEM_ID, SPRINT_NUMBER, plain_text
from salessprint.domain.enums import ItemType

SPRINT_COLUMNS = ["number", "state", "starts_on", "ends_on", "goal"]
ITEM_COLUMNS = ["id", "item_type", "item_id", "title", "owner", "points", "status", "added_after_start", "outcome"]
"""`status` reads "removed" for a card taken out; `outcome` is set at the close."""
ITEM_TYPES = click.Choice([t.value for t in ItemType], case_sensitive=False)


@click.group("sprint")
def sprint_group() -> None:
    """Weekly sprints."""


@sprint_group.command("plan")
@click.option("--goal", callback=plain_text, help="The sprint goal, in a sentence.")
@click.option("--starts", help="First day, YYYY-MM-DD (default: the day after the last sprint).")
@pass_ctx
def sprint_plan(ctx: Ctx, goal: str | None, starts: str | None) -> None:
    """Plan the next sprint (or set the planned sprint's goal)."""
    from salessprint.services.sprints import plan_sprint

    view = plan_sprint(ctx.store(), ctx.login, goal, starts)
    echo(f"Sprint {view.number} planned: {view.starts_on} to {view.ends_on}.")


@sprint_group.command("add")
@click.argument("item_type", type=ITEM_TYPES)
@click.argument("item_id", type=ITEM_ID)
@click.option(
    "--sprint", "number", type=SPRINT_NUMBER, help="Sprint number (default: the planned, else the active sprint)."
)
@pass_ctx
def sprint_add(ctx: Ctx, item_type: str, item_id: int, number: int | None) -> None:
    """Pull a task or deal into a sprint."""
    from salessprint.services.sprints import add_item

    view = add_item(ctx.store(), ctx.login, item_type.lower(), item_id, number)
    echo(f"Added {view.item_type} #{view.item_id} to sprint {view.sprint_number} ({view.points} points).")


@sprint_group.command("remove")
@click.argument("item_type", type=ITEM_TYPES)
@click.argument("item_id", type=ITEM_ID)
@click.option(
    "--sprint", "number", type=SPRINT_NUMBER, help="Sprint number (default: the planned, else the active sprint)."
)
@pass_ctx
def sprint_remove(ctx: Ctx, item_type: str, item_id: int, number: int | None) -> None:
    """Take a task or deal out of a sprint."""
    from salessprint.services.sprints import remove_item

    remove_item(ctx.store(), ctx.login, item_type.lower(), item_id, number)
    echo(f"Removed {item_type} #{item_id} from the sprint.")


@sprint_group.command("start")
@click.option(
    "--keep-dates",
    is_flag=True,
    help="Keep the planned dates (default: the sprint runs from today for the team's sprint length).",
)
@pass_ctx
def sprint_start(ctx: Ctx, keep_dates: bool) -> None:
    """Start the planned sprint (managers): it runs from today, unless --keep-dates."""
    from salessprint.services.sprints import start_sprint

    view = start_sprint(ctx.store(), ctx.login, keep_dates=keep_dates)
    echo(f"Sprint {view.number} started: {view.starts_on} to {view.ends_on}.")


@sprint_group.command("close")
@click.option(
    "--carry-over", is_flag=True, help="Move unfinished items into the next sprint (without it they are dropped)."
)
@pass_ctx
def sprint_close(ctx: Ctx, carry_over: bool) -> None:
    """Close the active sprint (managers)."""
    from salessprint.services.sprints import close_sprint

    view = close_sprint(ctx.store(), ctx.login, carry_over)
    echo(
        f"Sprint {view.number} closed: unfinished items "
        + ("carried over into the next sprint." if carry_over else "dropped (not carried over).")
    )


@sprint_group.command("list")
@format_option
@pass_ctx
def sprint_list(ctx: Ctx, fmt: str) -> None:
    """List all sprints."""
    from salessprint.services.sprints import list_sprints

    emit(fmt, "sprints", list_sprints(ctx.store(), ctx.login), SPRINT_COLUMNS)


@sprint_group.command("items")
@click.option("--sprint", "number", type=SPRINT_NUMBER, help="Sprint number (default: active, else planned).")
@click.option("--member", help="Only this member's items.")
@format_option
@pass_ctx
def sprint_items_cmd(ctx: Ctx, number: int | None, member: str | None, fmt: str) -> None:
    """List the items (cards) of a sprint."""
    from salessprint.services.sprints import sprint_items

    emit(fmt, "items", sprint_items(ctx.store(), ctx.login, number, member=member), ITEM_COLUMNS)


COMMANDS = [sprint_group]
