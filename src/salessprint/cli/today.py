"""`today`: my day, as the app's Today screen shows it; and the bulk moves
of stale tasks (`today reschedule DAY`, `today clear`), each one undoable change."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, echo, format_option
from salessprint.domain.text import counted
from salessprint.domain.today import late_words

if TYPE_CHECKING:
    from salessprint.services.today import DealList, TaskList, TodayView


def _tasks(title: str, tasks: TaskList, empty: str) -> list[str]:
    lines = ["", f"{title} ({tasks.total})"]
    for task in tasks.items:
        deal = f"  [{task.deal_title}]" if task.deal_title else ""
        lines.append(f"  #{task.id:<6} {late_words(task.days_late):<13} {task.kind:<10} {task.title}{deal}")
    if not tasks.items:
        lines.append(f"  {empty}")
    if tasks.more:
        lines.append(f"  +{tasks.more} more (salessprint task list --mine)")
    return lines


def _deals(title: str, deals: DealList, currency: str, empty: str) -> list[str]:
    lines = ["", f"{title} ({deals.total})"]
    for deal in deals.items:
        days = f"{counted(deal.days_in_stage, 'day')} in {deal.stage}"
        lines.append(f"  #{deal.id:<6} {currency} {deal.value:>12,.0f}  {days:<22} {deal.title}")
    if not deals.items:
        lines.append(f"  {empty}")
    if deals.more:
        lines.append(f"  +{deals.more} more (salessprint report pipeline)")
    return lines


def render(view: TodayView) -> list[str]:
    """The sections of Today as lines of text."""
    lines = [f"Today for {view.name} ({view.login}) · {view.today:%A %d %B %Y} · {view.clock:%H:%M}", ""]
    lines.append("Activity goals")
    for goal in view.goals:
        lines.append(
            f"  {goal.kind.title() + 's':<10} {goal.done} of {goal.target} today"
            f" · should be at {goal.by_now:g} by now ({view.clock:%H:%M}) · {goal.pace}"
        )
    if not view.goals:
        lines.append("  No activity targets today.")
    lines += _tasks("Tasks due and overdue", view.tasks, "Nothing due today or late.")
    if view.stale:
        lines.append(f"  {view.stale} stale: 'salessprint today reschedule DAY' or 'salessprint today clear'")
    lines += _tasks("Calls and meetings today", view.appointments, "No calls or meetings due today.")
    lines += _deals("Open deals without a next step", view.no_next_step, view.currency, "Every open deal has one.")
    lines += _deals(
        f"Rotting deals (no stage change for {view.rotting_days}+ days)", view.rotting, view.currency, "None."
    )
    return lines


@click.group("today", invoke_without_command=True)
@format_option
@click.pass_context
def today_cmd(click_ctx: click.Context, fmt: str) -> None:
    """My day: tasks due and late, calls and meetings, deals that need me, my goals by now."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Ctx)
    assert ctx is not None
    from salessprint.services.today import today

    view = today(ctx.store(), ctx.login)
    if fmt == "json":
        dump_json(view.model_dump(mode="json"))
        return
    for line in render(view):
        echo(line)


@today_cmd.command("reschedule")
@click.argument("day", default="today")
@pass_ctx
def reschedule_cmd(ctx: Ctx, day: str) -> None:
    """Move all my stale tasks to DAY: today, tomorrow, "next monday" or YYYY-MM-DD (undo takes it back)."""
    from salessprint.services.today import reschedule_stale

    echo(reschedule_stale(ctx.store(), ctx.login, day).message)


@today_cmd.command("clear")
@pass_ctx
def clear_cmd(ctx: Ctx) -> None:
    """Take the due date off all my stale tasks; they stay in the backlog (undo takes it back)."""
    from salessprint.services.today import clear_stale

    echo(clear_stale(ctx.store(), ctx.login).message)


COMMANDS = [today_cmd]
