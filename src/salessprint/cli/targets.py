"""`target` commands: activity targets and revenue quotas."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo, emit, format_option

TARGET_COLUMNS = ["login", "metric", "amount", "period", "effective_from"]


@click.group("target")
def target_group() -> None:
    """Activity targets and revenue quotas."""


@target_group.command("set")
@click.argument("login")
@click.argument("metric")
@click.argument("amount")
@click.option("--per", "period", required=True, help="day, week, month or quarter.")
@click.option("--from", "effective_from", help="Effective from this date (default today).")
@pass_ctx
def target_set(ctx: Ctx, login: str, metric: str, amount: str, period: str, effective_from: str | None) -> None:
    """Set LOGIN's target for METRIC (calls, meetings, emails, notes, demos, proposals, revenue, new_accounts)."""
    from salessprint.services.targets import set_target

    view = set_target(
        ctx.store(),
        ctx.login,
        login=login,
        metric=metric.strip().lower(),
        amount=amount,
        period=period.strip().lower(),
        effective_from=effective_from,
    )
    echo(f"{view.login}: {view.amount} {view.metric} per {view.period} from {view.effective_from}.")


@target_group.command("list")
@click.option("--member", help="Only this member's targets.")
@format_option
@pass_ctx
def target_list(ctx: Ctx, member: str | None, fmt: str) -> None:
    """List the targets in force today."""
    from salessprint.services.targets import list_targets

    emit(fmt, "targets", list_targets(ctx.store(), ctx.login, member), TARGET_COLUMNS)


COMMANDS = [target_group]
