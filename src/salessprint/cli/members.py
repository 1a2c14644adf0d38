"""`member` and `target` commands."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import emit, format_option

MEMBER_COLUMNS = ["id", "login", "name", "role", "sales_role", "territory", "started_on"]
TARGET_COLUMNS = ["login", "metric", "amount", "period", "effective_from"]


@click.group("member")
def member_group() -> None:
    """Team members."""


@member_group.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", default="rep", show_default=True, help="rep, manager or admin.")
@click.option("--sales-role", help="SDR, AE or CSM.")
@click.option("--territory", help="Territory or region.")
@click.option("--started", help="Start date, YYYY-MM-DD.")
@pass_ctx
def member_add(
    ctx: Ctx, login: str, name: str, role: str, sales_role: str | None, territory: str | None, started: str | None
) -> None:
    """Add a member (admins only)."""
    from salessprint.services.members import add_member

    view = add_member(
        ctx.store(),
        ctx.login,
        login=login,
        name=name,
        role=role.strip().lower(),
        sales_role=sales_role.strip().upper() if sales_role else None,
        territory=territory,
        started_on=started,
    )
    click.echo(f"Added {view.name} ({view.login}) as {view.role}.")


@member_group.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive members.")
@format_option
@pass_ctx
def member_list(ctx: Ctx, include_inactive: bool, fmt: str) -> None:
    """List the team's members."""
    from salessprint.services.members import list_members

    emit(fmt, "members", list_members(ctx.store(), ctx.login, include_inactive), MEMBER_COLUMNS)


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
    click.echo(f"{view.login}: {view.amount} {view.metric} per {view.period} from {view.effective_from}.")


@target_group.command("list")
@click.option("--member", help="Only this member's targets.")
@format_option
@pass_ctx
def target_list(ctx: Ctx, member: str | None, fmt: str) -> None:
    """List the targets in force today."""
    from salessprint.services.targets import list_targets

    emit(fmt, "targets", list_targets(ctx.store(), ctx.login, member), TARGET_COLUMNS)


COMMANDS = [member_group, target_group]
