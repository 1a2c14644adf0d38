"""`report` commands: velocity and activity attainment."""

from __future__ import annotations

from typing import Any

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, emit, format_option
from salessprint.domain.calendar import parse_date


@click.group("report")
def report_group() -> None:
    """Team reports (table, JSON or CSV)."""


@report_group.command("velocity")
@click.option("--last", default=12, show_default=True, type=click.IntRange(1, 520), help="How many closed sprints.")
@format_option
@pass_ctx
def report_velocity(ctx: Ctx, last: int, fmt: str) -> None:
    """Committed, completed, added, removed and carried points per sprint."""
    from salessprint.services.reports import velocity

    data = velocity(ctx.store(), ctx.login, last)
    if fmt == "json":
        dump_json(data)
        return
    columns = ["number", "starts_on", "committed_points", "completed_points", "added_points",
               "removed_points", "carried_points", "velocity", "by_member"]
    emit(fmt, "sprints", data["sprints"], columns)
    if fmt == "table":
        if not data["sprints"]:
            click.echo("No closed sprints yet: velocity appears after the first sprint closes.")
        else:
            click.echo(f"\nForecast for the next sprint: {data['forecast']} points (mean of the last 3).")


def date_range(start: str | None, end: str | None) -> tuple[Any, Any]:
    return (parse_date(start, "from") if start else None, parse_date(end, "to") if end else None)


@report_group.command("activity")
@click.option("--member", help="Only this member.")
@click.option("--from", "start", help="First day, YYYY-MM-DD (default: this sprint week).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD.")
@format_option
@pass_ctx
def report_activity(ctx: Ctx, member: str | None, start: str | None, end: str | None, fmt: str) -> None:
    """Activities done against target, per member and kind."""
    from salessprint.services.reports import activity

    lo, hi = date_range(start, end)
    data = activity(ctx.store(), ctx.login, member=member, start=lo, end=hi)
    if fmt == "json":
        dump_json(data)
        return
    rows = []
    for m in data["members"]:
        row: dict[str, Any] = {"login": m["login"]}
        for kind, figures in m["activities"].items():
            target = figures["target"]
            row[kind] = f"{figures['done']}/{target}" if target is not None else str(figures["done"])
        rows.append(row)
    kinds = list(data["members"][0]["activities"]) if data["members"] else []
    if fmt == "table":
        click.echo(f"Activities {data['from']} to {data['to']} (done/target):")
    emit(fmt, "members", rows, ["login", *kinds])


COMMANDS = [report_group]
