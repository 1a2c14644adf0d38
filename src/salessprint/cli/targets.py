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
    from salessprint.domain.text import target_amount

    amount_text = target_amount(view.metric, view.amount)
    echo(f"{view.login}: {amount_text} {view.metric} per {view.period} from {view.effective_from}.")


@target_group.command("list")
@click.option("--member", help="Only this member's targets.")
@format_option
@pass_ctx
def target_list(ctx: Ctx, member: str | None, fmt: str) -> None:
    """List the targets in force today."""
    from salessprint.domain.text import target_amount
    from salessprint.services.targets import list_targets

    targets = list_targets(ctx.store(), ctx.login, member)
    if fmt == "table":  # JSON and CSV keep the number as stored
        rows = [{**t.model_dump(), "amount": target_amount(t.metric, t.amount)} for t in targets]
        emit(fmt, "targets", rows, TARGET_COLUMNS)
        return
    emit(fmt, "targets", targets, TARGET_COLUMNS)


@target_group.command("ramp")
@click.argument("steps", required=False)
@click.option("--member", help="Set this rep's own ramp instead of the team's.")
@click.option("--months", type=click.IntRange(1, 12), help="Months each step lasts (default 3: a quarter).")
@click.option("--team-ramp", "use_team", is_flag=True, help="Give --member the team's ramp again.")
@format_option
@pass_ctx
def target_ramp(ctx: Ctx, steps: str | None, member: str | None, months: int | None, use_team: bool, fmt: str) -> None:
    """Show or set new reps' quota ramp: STEPS in % of full quota, like 25,50,75,100 (or off).

    Each step lasts a quarter (--months) counted from the rep's start date;
    after the last step the rep carries the full quota. The team's ramp
    applies to every rep with a start date unless the rep has their own
    (--member LOGIN; 'off' for an experienced hire on full quota at once).
    """
    from salessprint.domain.errors import InvalidInput
    from salessprint.domain.text import counted
    from salessprint.services.targets import quota_ramps, set_quota_ramp

    if use_team and (member is None or steps is not None):
        raise InvalidInput("--team-ramp goes with --member LOGIN and no steps.", field="ramp")
    if steps is None and not use_team:
        if months is not None or member is not None:
            raise InvalidInput("Give the ramp's steps, like 25,50,75,100 (or off).", field="ramp")
        data = quota_ramps(ctx.store(), ctx.login)
    else:
        data = set_quota_ramp(ctx.store(), ctx.login, steps, months, member)
    if fmt == "table":
        team = (
            "off" if data.team == "off" else f"{data.team} % of full quota, {counted(data.team_months, 'month')} a step"
        )
        echo(f"Team quota ramp: {team}.")
    columns = ["login", "name", "started_on", "ramp", "months", "own", "percent_today"]
    emit(fmt, "reps", data.reps, columns, {"team": data.team, "team_months": data.team_months})


COMMANDS = [target_group]
