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
from salessprint.domain.text import counted

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from salessprint.services.reports.attainment import Consistency
    from salessprint.services.reports.forecast import ForecastReport
    from salessprint.services.reports.sales_forecast import ForecastLine, SalesForecastReport
    from salessprint.services.reports.velocity import SprintVelocity


@click.group("report")
def report_group() -> None:
    """Team reports (table, JSON or CSV)."""


def history_options(default: int | None, verb: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--history (the forecast's window; None: the team's) and --min-history
    (fewer closed sprints: unknown; the team's unless given)."""

    def add(command: Callable[..., None]) -> Callable[..., None]:
        command = click.option(
            "--min-history",
            type=click.IntRange(1, 520),
            help="With fewer closed sprints the forecast is unknown (default: the team's, 3 unless set "
            "with 'salessprint team forecast').",
        )(command)
        return click.option(
            "--history",
            default=default,
            show_default=default is not None,
            type=click.IntRange(1, 520),
            help=f"How many of the last closed sprints the forecast {verb}"
            + (" (default: the team's, 3 unless set with 'salessprint team forecast')." if default is None else "."),
        )(command)

    return add


def team_window(ctx: Ctx, history: int | None, min_history: int | None) -> tuple[int, int]:
    """--history and --min-history, the team's window where not given (as sprint planning reads it)."""
    if history is not None and min_history is not None:
        return history, min_history
    from salessprint.services.team import forecast_window

    window = forecast_window(ctx.store(), ctx.login)
    return history or window.history, min_history or window.min_history


@report_group.command("velocity")
@click.option("--last", default=12, show_default=True, type=click.IntRange(1, 520), help="How many closed sprints.")
@history_options(None, "averages")
@format_option
@pass_ctx
def report_velocity(ctx: Ctx, last: int, history: int | None, min_history: int | None, fmt: str) -> None:
    """Committed, completed, added, removed and carried points per sprint."""
    from salessprint.services.reports.velocity import velocity

    data = velocity(ctx.store(), ctx.login, last, *team_window(ctx, history, min_history))
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
        "available_days",
        "velocity_per_available_day",
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
        rows: list[object] = [{**m.model_dump(by_alias=True), **_consistency(m.consistency)} for m in data.members]
        columns += ["consistency", "trend"]
    else:
        rows = [
            {"login": m.login, "name": m.name, **p.model_dump(by_alias=True)}
            for m in data.members
            for p in (m.months if by == "month" else m.quarters)
        ]
        columns.insert(2, "period")
    if fmt == "table":
        echo(f"Quota attainment {data.start} to {data.end} ({data.currency}, attainment in %):")
        if by == "range":
            echo("Consistency: ended months at or above 90 % of quota; trend: the last three of them.")
        if not data.members:
            echo("No reps on the team yet.")
            return
    emit(fmt, "members", rows, columns)
    if fmt == "table":
        t = data.team
        echo(
            f"\nTeam: {_money(t.won_value)} won in {counted(t.won_deals, 'deal')} of "
            f"{_money(t.quota)} quota ({_pct(t.attainment)})."
        )


PIPELINE_FIGURES = [
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


def _consistency(c: Consistency | None) -> dict[str, str]:
    """A rep's consistency as two cells: "2 of 3 at 90 %+" and "falling (150.0 → 120.0 → 95.0 %)"."""
    if c is None or not c.months:
        return {"consistency": "-", "trend": "-"}
    path = " → ".join(str(m.attainment) for m in c.recent)
    return {
        "consistency": f"{c.at_or_above_90} of {c.months} at 90 %+",
        "trend": f"{c.trend} ({path} %)" if c.trend else f"- ({path} %)",
    }


@report_group.command("pipeline")
@click.option("--from", "start", help="First day of closed deals, YYYY-MM-DD (default: this quarter).")
@click.option("--to", "end", help="Last day, YYYY-MM-DD (before today: open figures as of that day).")
@click.option("--member", help="Only this rep's deals (login).")
@click.option(
    "--by",
    type=click.Choice(["member", "territory", "manager"]),
    help="One row per rep, territory or manager (the rep's manager).",
)
@format_option
@pass_ctx
def report_pipeline(ctx: Ctx, start: str | None, end: str | None, member: str | None, by: str | None, fmt: str) -> None:
    """Win rate, averages, open and weighted pipeline, pipeline velocity, rotting deals."""
    from salessprint.services.reports.pipeline import pipeline
    from salessprint.services.reports.sales_forecast import pushed_deals

    lo, hi = date_range(start, end)
    data = pipeline(ctx.store(), ctx.login, start=lo, end=hi, member=member, by=by)  # type: ignore[arg-type]
    pushed = pushed_deals(ctx.store(), ctx.login)
    if fmt == "json":
        dump_json({**data.to_json(), "pushed": [p.to_json() for p in pushed]})
        return
    if fmt == "table":
        who = f" of {data.member}" if data.member else ""
        echo(
            f"Pipeline{who}, deals closed {data.start} to {data.end} ({data.currency}; "
            "win rate in %, pipeline velocity per day):"
        )
        if data.open_note:
            echo(data.open_note)
        elif data.open_as_of_today:
            echo(f"Open pipeline and rotting deals as of today, {data.open_as_of}.")
        else:
            echo(f"Open pipeline and rotting deals as of {data.open_as_of}, rebuilt from the deals' history.")
        if data.won_deals + data.lost_deals + data.open_deals == 0 and not data.groups:
            if data.open_as_of_today:
                echo("No deals yet: add some with 'salessprint deal add' or import them.")
            else:
                echo(f"No deal closed in the range, and none open on {data.open_as_of}.")
            return
    if by:
        emit(fmt, "groups", list(data.groups), ["key", "name", *PIPELINE_FIGURES, "rotting_deals"])
        if fmt == "table":
            echo(
                f"\nTeam: {data.won_deals} won, {data.lost_deals} lost, win rate {_pct(data.win_rate)}, "
                f"open {_money(data.open_value)} in {counted(data.open_deals, 'deal')}, "
                f"velocity {_money(data.pipeline_velocity)} per day."
            )
        return
    rows = [{"figure": n, "value": getattr(data, n)} for n in PIPELINE_FIGURES]
    rows.append({"figure": "rotting_deals", "value": data.rotting.count})
    emit(fmt, "figures", rows, ["figure", "value"])
    if fmt == "table" and data.rotting.deals:
        echo(f"\nRotting (no stage change for over {data.rotting.limit_days} days), oldest first:")
        for d in data.rotting.deals:
            echo(f"  #{d.id} {d.title} ({d.owner}, {d.stage}, {d.days_in_stage} days)")
    if fmt == "table" and pushed:
        echo("\nExpected close pushed 3 times or more, most pushed first:")
        for p in pushed:
            echo(f"  #{p.id} {p.title} ({p.owner}, pushed {p.pushes} times, now {p.expected_close or 'no date'})")


@report_group.command("forecast")
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed: same store and seed, same answer.")
@history_options(12, "resamples")
@click.option("--categories", is_flag=True, help="Only the forecast by category (commit, best case, pipeline).")
@click.option("--accuracy", is_flag=True, help="Commit called at each sprint close and month end against won.")
@click.option("--member", help="With --accuracy: only this rep.")
@click.option("--by-date", "by_date", metavar="YYYY-MM-DD", help="Also: how many points the team completes by then.")
@click.option(
    "--when-done",
    "when_done_items",
    type=click.IntRange(1, 1000),
    metavar="N",
    help="Also: by when the top N open backlog items are done.",
)
@click.option(
    "--when-done-points",
    type=click.IntRange(0, 1_000_000),
    metavar="POINTS",
    help="Also: by when this many points of work are done.",
)
@format_option
@pass_ctx
def report_forecast(
    ctx: Ctx,
    seed: int,
    history: int,
    min_history: int | None,
    categories: bool,
    accuracy: bool,
    member: str | None,
    by_date: str | None,
    when_done_items: int | None,
    when_done_points: int | None,
    fmt: str,
) -> None:
    """Monte Carlo: each rep's chance of quota by month and quarter end; next sprint's points range.
    Then the forecast by category per rep and team, and what moved since a week ago.

    --by-date and --when-done ask the team's throughput the two planning
    questions: how much by a date, and by when a slice of the backlog is done.
    """
    from salessprint.services.reports.forecast import QuotaChance, forecast
    from salessprint.services.reports.sales_forecast import record_month_end, sales_forecast

    if categories and accuracy:
        raise click.UsageError("Give --categories or --accuracy, not both.")
    if member and not accuracy:
        raise click.UsageError("--member goes with --accuracy.")
    record_month_end(ctx.store(), ctx.login)  # the month that ended, once (forecast accuracy)
    if accuracy:
        _forecast_accuracy(ctx, member, fmt)
        return
    cats = sales_forecast(ctx.store(), ctx.login)
    if categories:
        _forecast_categories(cats, fmt)
        return
    data = forecast(
        ctx.store(),
        ctx.login,
        seed=seed,
        history=history,
        min_history=team_window(ctx, history, min_history)[1],
        by_date=in_range(parse_date(by_date, "by-date")) if by_date else None,
        when_done_items=when_done_items,
        when_done_points=when_done_points,
    )
    if fmt == "json":
        dump_json({**data.to_json(), "categories": cats.to_json()})
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
        _forecast_questions(data)
        echo("")
        _forecast_categories(cats, fmt)


CATEGORY_COLUMNS = [
    "login",
    "closed_won",
    "commit",
    "best_case",
    "pipeline",
    "commit_forecast",
    "best_case_forecast",
    "quota",
    "gap",
    "coverage",
]
MOVEMENT_COLUMNS = ["login", "newly_committed", "pulled_in", "pushed", "slipped"]


def _forecast_categories(data: SalesForecastReport, fmt: str) -> None:
    """The forecast by category: one table per period and its week over week (CSV: one row per rep and period)."""
    if fmt == "json":
        dump_json(data.to_json())
        return
    if fmt == "csv":
        rows = [
            {
                "period": p.period,
                **line.model_dump(exclude={"week_over_week", "name", "coverage_reason"}),
                **{f"{k}_deals": f.count for k, f in line.week_over_week.items()},
                **{f"{k}_value": f.value for k, f in line.week_over_week.items()},
            }
            for p in data.periods
            for line in [*p.members, p.team]
        ]
        moves = [m for m in MOVEMENT_COLUMNS if m != "login"]
        columns = [
            "period",
            *CATEGORY_COLUMNS,
            "open_pipeline",
            "remaining_quota",
            *[f"{m}_{x}" for m in moves for x in ("deals", "value")],
        ]
        emit(fmt, "lines", rows, columns)
        return

    def cover(line: ForecastLine) -> str:
        return f"{line.coverage}x" if line.coverage is not None else f"unknown ({line.coverage_reason})"

    for p in data.periods:
        echo(f"Forecast by category, {p.kind} {p.period} ({p.start} to {p.end}, {data.currency}):")
        lines = [*p.members, p.team]
        emit(
            fmt,
            "lines",
            [{**line.model_dump(), "coverage": cover(line)} for line in lines],
            CATEGORY_COLUMNS,
        )
        echo(f"\nWeek over week, {p.period} (since {data.week_ago:%Y-%m-%d %H:%M} UTC; deals / value):")
        emit(
            fmt,
            "lines",
            [
                {"login": line.login, **{k: f"{f.count} / {f.value:,.2f}" for k, f in line.week_over_week.items()}}
                for line in lines
            ],
            MOVEMENT_COLUMNS,
        )
        echo("")


def _forecast_accuracy(ctx: Ctx, member: str | None, fmt: str) -> None:
    from salessprint.services.reports.sales_forecast import forecast_accuracy

    data = forecast_accuracy(ctx.store(), ctx.login, member)
    if fmt == "json":
        dump_json(data.to_json())
        return
    columns = ["login", "period", "occasion", "sprint", "as_of", "commit", "best_case", "actual", "accuracy", "final"]
    if fmt == "table":
        echo(f"Forecast accuracy: commit called against won in the month ({data.currency}, accuracy in %):")
        if not data.lines:
            echo("No commit calls recorded yet: one is recorded at each sprint close and month end.")
            return
        rows = [{**line.model_dump(), "as_of": f"{line.as_of:%Y-%m-%d %H:%M}"} for line in data.lines]
        emit(fmt, "lines", rows, columns)
        return
    emit(fmt, "lines", data.lines, columns)


def _forecast_questions(data: ForecastReport) -> None:
    """The --by-date and --when-done answers, in a manager's words."""
    if data.by_date is not None:
        b = data.by_date
        lead = f"By {b.date:%a %d %b %Y} ({b.working_days} working days, {b.sprints} sprints)"
        if b.points is None:
            echo(f"{lead} the points the team completes are unknown ({b.reason}).")
        else:
            p = b.points
            echo(
                f"{lead} the team completes at least {p.p85} points with 85 % confidence "
                f"({p.p50} with 50 %, {p.p95} with 95 %)."
            )
    if data.when_done is not None:
        w = data.when_done
        what = f"The top {w.items} backlog items ({w.points} points" if w.items is not None else f"{w.points} points"
        if w.items is not None:
            what += f"; {w.unestimated} without points count 0)" if w.unestimated else ")"
        if w.done_by is None:
            echo(f"When {what} will be done is unknown ({w.reason}).")
            return

        def day(d: date | None) -> str:
            return "not within ten years" if d is None else f"{d:%a %d %b %Y}"

        echo(
            f"{what} are done by {day(w.done_by.p85)} with 85 % confidence "
            f"({day(w.done_by.p50)} with 50 %, {day(w.done_by.p95)} with 95 %)."
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
