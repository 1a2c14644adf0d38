"""`report` commands: the manager's figures as a table, JSON (each report's `to_json()`) or CSV."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, echo, emit, format_option
from salessprint.cli.params import SPRINT_NUMBER
from salessprint.domain.calendar import parse_date
from salessprint.domain.inputs import in_range, report_range

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from salessprint.services.reports.velocity import SprintVelocity


@click.group("report")
def report_group() -> None:
    """Team reports (table, JSON or CSV)."""


def history_options(default: int, verb: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--history (the forecast's window) and --min-history (fewer closed sprints: unknown)."""

    def add(command: Callable[..., None]) -> Callable[..., None]:
        command = click.option(
            "--min-history",
            default=3,
            show_default=True,
            type=click.IntRange(1, 520),
            help="With fewer closed sprints the forecast is unknown.",
        )(command)
        return click.option(
            "--history",
            default=default,
            show_default=True,
            type=click.IntRange(1, 520),
            help=f"How many of the last closed sprints the forecast {verb}.",
        )(command)

    return add


@report_group.command("velocity")
@click.option("--last", default=12, show_default=True, type=click.IntRange(1, 520), help="How many closed sprints.")
@history_options(3, "averages")
@format_option
@pass_ctx
def report_velocity(ctx: Ctx, last: int, history: int, min_history: int, fmt: str) -> None:
    """Committed, completed, added, removed and carried points per sprint."""
    from salessprint.services.reports.velocity import velocity

    data = velocity(ctx.store(), ctx.login, last, history, min_history)
    if fmt == "json":
        dump_json(data.to_json())
        return
    columns = [
        "number",
        "starts_on",
        "committed_points",
        "completed_points",
        "added_points",
        "removed_points",
        "carried_points",
        "dropped_points",
        "completed_outside_points",
        "velocity",
        "by_member",
    ]
    emit(fmt, "sprints", data.sprints, columns)
    if fmt == "table":
        if not data.sprints:
            echo("No closed sprints yet: velocity appears after the first sprint closes.")
        else:
            echo(velocity_chart(data.sprints))
            if data.forecast_reason:
                echo(f"\nForecast for the next sprint: unknown ({data.forecast_reason}).")
                return
            echo(f"\nForecast for the next sprint: {data.forecast} points (mean of the last {data.history}).")
            per_rep = ", ".join(
                f"{login} {fc}" if fc is not None else f"{login} unknown ({data.forecast_by_member_reason.get(login)})"
                for login, fc in data.forecast_by_member.items()
            )
            if per_rep:
                echo(f"Per rep: {per_rep}.")


def velocity_chart(sprints: Sequence[SprintVelocity], width: int = 40) -> str:
    """Completed points per sprint as a bar chart of block characters."""
    top = max((s.velocity for s in sprints), default=0) or 1
    lines = ["", "Velocity (completed points):"]
    for s in sprints:
        bar = "█" * round(s.velocity / top * width)
        lines.append(f"  S{s.number:<4} {bar} {s.velocity}")
    return "\n".join(lines)


def date_range(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """--from and --to as days, checked: in the calendar, in order, at most 20 years apart."""
    return report_range(parse_date(start, "from") if start else None, parse_date(end, "to") if end else None)


@report_group.command("activity")
@click.option("--member", help="Only this member.")
@click.option("--from", "start", help="First day, YYYY-MM-DD (default: this sprint week).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD.")
@format_option
@pass_ctx
def report_activity(ctx: Ctx, member: str | None, start: str | None, end: str | None, fmt: str) -> None:
    """Activities done against target, per member and kind."""
    from salessprint.services.reports.activity import activity

    lo, hi = date_range(start, end)
    data = activity(ctx.store(), ctx.login, member=member, start=lo, end=hi)
    if fmt == "json":
        dump_json(data.to_json())
        return
    rows = []
    for m in data.members:
        row: dict[str, str] = {"login": m.login}
        for kind, figures in m.activities.items():
            target = figures.target
            row[kind] = f"{figures.done}/{target}" if target is not None else str(figures.done)
        row["pace"] = m.pacing.status if m.pacing else ""
        rows.append(row)
    kinds = list(data.members[0].activities) if data.members else []
    if fmt == "table":
        echo(f"Activities {data.start} to {data.end} (done/target):")
    emit(fmt, "members", rows, ["login", *kinds, "pace"])


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value} %"


@report_group.command("sprint")
@click.option("--number", type=SPRINT_NUMBER, help="Sprint number (default: the active sprint, else the last closed).")
@format_option
@pass_ctx
def report_sprint(ctx: Ctx, number: int | None, fmt: str) -> None:
    """Committed, completed, added, removed, carried over; deals won, advanced, slipped, untouched."""
    from salessprint.services.reports.sprint import sprint_report

    data = sprint_report(ctx.store(), ctx.login, number)
    if fmt == "json":
        dump_json(data.to_json())
        return
    if data.sprint is None:
        echo("No sprint yet: plan and start one ('salessprint sprint plan').")
        return
    sp = data.sprint
    rows: list[dict[str, object]] = [
        {"figure": name.replace("_", " "), "items": figure.items, "points": figure.points}
        for name, figure in data.item_figures()
    ]
    rows += [
        {"figure": f"deals {name}", "items": deals.count, "points": "", "value": deals.value}
        for name, deals in data.deal_sets()
    ]
    if fmt == "table":
        echo(
            f"Sprint {sp.number} ({sp.state}, {sp.starts_on} to {sp.ends_on})"
            + (f" — goal: {sp.goal}" if sp.goal else "")
        )
    emit(fmt, "figures", rows, ["figure", "items", "points", "value"])
    if fmt == "table":
        for name, deals in data.deal_sets():
            if name in ("won", "slipped") and deals.deals:
                echo(f"\nDeals {name}:")
                for d in deals.deals:
                    echo(f"  #{d.id} {d.title} ({d.owner}) {data.currency} {_money(d.value)}")


@report_group.command("burndown")
@click.option("--number", type=SPRINT_NUMBER, help="Sprint number (default: the active sprint, else the last closed).")
@format_option
@pass_ctx
def report_burndown(ctx: Ctx, number: int | None, fmt: str) -> None:
    """Remaining points at the end of each working day against the ideal line."""
    from salessprint.services.reports.burndown import burndown

    data = burndown(ctx.store(), ctx.login, number)
    if fmt == "json":
        dump_json(data.to_json())
        return
    if data.sprint is None:
        echo("No sprint yet: the burndown starts with the first sprint.")
        return
    if fmt == "table":
        echo(f"Sprint {data.sprint.number}: {data.start_points} points committed at the start.")
    emit(fmt, "days", data.days, ["day", "remaining", "ideal"])


@report_group.command("attainment")
@click.option("--member", help="Only this member.")
@click.option("--from", "start", help="First day, YYYY-MM-DD (default: this month).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD.")
@click.option(
    "--by",
    type=click.Choice(["range", "month", "quarter"]),
    default="range",
    show_default=True,
    help="One row per member for the range, or per month / quarter inside it (table and CSV).",
)
@format_option
@pass_ctx
def report_attainment(ctx: Ctx, member: str | None, start: str | None, end: str | None, by: str, fmt: str) -> None:
    """Won value against quota per rep (deals won with their won date in the range)."""
    from salessprint.services.reports.attainment import attainment

    lo, hi = date_range(start, end)
    data = attainment(ctx.store(), ctx.login, start=lo, end=hi, member=member)
    if fmt == "json":
        dump_json(data.to_json())
        return
    columns = ["login", "name", "won_value", "won_deals", "quota", "attainment"]
    if by == "range":
        rows: list[object] = list(data.members)
    else:
        rows = [
            {"login": m.login, "name": m.name, **p.model_dump(by_alias=True)}
            for m in data.members
            for p in (m.months if by == "month" else m.quarters)
        ]
        columns.insert(2, "period")
    if fmt == "table":
        echo(f"Quota attainment {data.start} to {data.end} ({data.currency}, attainment in %):")
        if not data.members:
            echo("No reps on the team yet.")
            return
    emit(fmt, "members", rows, columns)
    if fmt == "table":
        t = data.team
        echo(
            f"\nTeam: {_money(t.won_value)} won in {t.won_deals} deals of "
            f"{_money(t.quota)} quota ({_pct(t.attainment)})."
        )


@report_group.command("pipeline")
@click.option("--from", "start", help="First day of closed deals, YYYY-MM-DD (default: this quarter).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD.")
@format_option
@pass_ctx
def report_pipeline(ctx: Ctx, start: str | None, end: str | None, fmt: str) -> None:
    """Win rate, averages, open and weighted pipeline, pipeline velocity, rotting deals."""
    from salessprint.services.reports.pipeline import pipeline

    lo, hi = date_range(start, end)
    data = pipeline(ctx.store(), ctx.login, start=lo, end=hi)
    if fmt == "json":
        dump_json(data.to_json())
        return
    names = [
        "won_deals",
        "lost_deals",
        "won_value",
        "win_rate",
        "average_won_value",
        "average_cycle_days",
        "open_deals",
        "open_value",
        "qualified_open_deals",
        "weighted_value",
        "pipeline_velocity",
    ]
    rows = [{"figure": n, "value": getattr(data, n)} for n in names]
    rows.append({"figure": "rotting_deals", "value": data.rotting.count})
    if fmt == "table":
        echo(
            f"Pipeline, deals closed {data.start} to {data.end} ({data.currency}; "
            "win rate in %, pipeline velocity per day):"
        )
        if data.won_deals + data.lost_deals + data.open_deals == 0:
            echo("No deals yet: add some with 'salessprint deal add' or import them.")
            return
    emit(fmt, "figures", rows, ["figure", "value"])
    if fmt == "table" and data.rotting.deals:
        echo(f"\nRotting (no stage change for over {data.rotting.limit_days} days), oldest first:")
        for d in data.rotting.deals:
            echo(f"  #{d.id} {d.title} ({d.owner}, {d.stage}, {d.days_in_stage} days)")


@report_group.command("forecast")
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed: same store and seed, same answer.")
@history_options(12, "resamples")
@format_option
@pass_ctx
def report_forecast(ctx: Ctx, seed: int, history: int, min_history: int, fmt: str) -> None:
    """Monte Carlo: each rep's chance of quota by month and quarter end; next sprint's points range."""
    from salessprint.services.reports.forecast import QuotaChance, forecast

    data = forecast(ctx.store(), ctx.login, seed=seed, history=history, min_history=min_history)
    if fmt == "json":
        dump_json(data.to_json())
        return

    def chance(c: QuotaChance) -> object:
        # The table says why a chance is unknown; CSV keeps the number column plain.
        return f"unknown ({c.reason})" if fmt == "table" and c.chance is None and c.reason else c.chance

    rows = [
        {
            "login": m.login,
            "month": m.month.period,
            "month_chance": chance(m.month),
            "quarter": m.quarter.period,
            "quarter_chance": chance(m.quarter),
        }
        for m in data.members
    ]
    if fmt == "table":
        echo(
            f"Chance of making quota, in % ({data.trials} trials over {data.sprints_sampled} "
            f"past sprints, seed {data.seed}):"
        )
    emit(fmt, "members", rows, ["login", "month", "month_chance", "quarter", "quarter_chance"])
    if fmt == "table":
        nxt = data.next_sprint
        if nxt is None:
            lead = "No closed sprint yet: the next" if data.sprints_sampled == 0 else "The next"
            echo(f"\n{lead} sprint's points range is unknown ({data.next_sprint_reason}).")
        else:
            echo(
                f"\nNext sprint the team completes at least {nxt.p50} points (50 %), "
                f"{nxt.p85} (85 %), {nxt.p95} (95 %)."
            )


@report_group.command("coaching")
@format_option
@pass_ctx
def report_coaching(ctx: Ctx, fmt: str) -> None:
    """Who needs a 1:1, and why (managers)."""
    from salessprint.services.reports.coaching import coaching

    data = coaching(ctx.store(), ctx.login)
    if fmt == "json":
        dump_json(data.to_json())
        return
    rows = [{"login": m.login, "flag": f.code, "message": f.message} for m in data.members for f in m.flags]
    if fmt == "table":
        if not data.members:
            echo("No reps on the team yet.")
            return
        if not rows:
            echo("No coaching flags: everyone is on track.")
            return
        for m in data.members:
            if m.flags:
                echo(f"{m.name} ({m.login}):")
                for f in m.flags:
                    echo(f"  - {f.message}")
        echo("\n'salessprint report one-on-one LOGIN' prints an agenda.")
        return
    emit(fmt, "flags", rows, ["login", "flag", "message"])


@report_group.command("one-on-one")
@click.argument("member")
@pass_ctx
def report_one_on_one(ctx: Ctx, member: str) -> None:
    """A 1:1 agenda for a rep, as plain text to paste (managers)."""
    from salessprint.services.reports.one_on_one import one_on_one

    echo(one_on_one(ctx.store(), ctx.login, member), nl=False)


@report_group.command("daily")
@click.argument("member", required=False)
@click.option("--date", "day", help="The day, YYYY-MM-DD (default: today).")
@pass_ctx
def report_daily(ctx: Ctx, member: str | None, day: str | None) -> None:
    """A rep's day against their goals, as plain text for the team chat."""
    from salessprint.services.reports.daily import daily

    echo(daily(ctx.store(), ctx.login, member, in_range(parse_date(day, "date")) if day else None), nl=False)


COMMANDS = [report_group]
