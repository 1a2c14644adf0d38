"""`time-off` commands: members' days off and the team's holidays, which
planning and the velocity report count against each rep's capacity."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo, emit, format_option

TIME_OFF_COLUMNS = ["day", "login", "name", "note"]


def _whom(member: str | None, team: bool) -> None:
    from salessprint.domain.errors import InvalidInput

    if team and member:
        raise InvalidInput("A team holiday is everyone's: give --team or --member LOGIN, not both.", field="member")


@click.group("time-off")
def time_off_group() -> None:
    """Days off and team holidays: a rep's own days, a manager's for anyone and the team."""


@time_off_group.command("add")
@click.argument("day")
@click.option("--to", "last_day", metavar="DATE", help="Last day of a stretch off (weekends skipped).")
@click.option("--member", metavar="LOGIN", help="Whose day off (default: yours; others' for managers).")
@click.option("--team", is_flag=True, help="A team holiday: everyone is off (managers).")
@click.option("--note", help="Why, in a few words (e.g. training).")
@pass_ctx
def time_off_add(ctx: Ctx, day: str, last_day: str | None, member: str | None, team: bool, note: str | None) -> None:
    """Record DAY (YYYY-MM-DD) off, or every working day from DAY to --to."""
    from salessprint.services.capacity import add_time_off

    _whom(member, team)
    result = add_time_off(ctx.store(), ctx.login, day=day, last_day=last_day, member=member, note=note, team=team)
    many = len(result.added) > 1
    what = ("Team holidays" if many else "Team holiday") if team else ("Days off" if many else "Day off")
    if result.added:
        echo(f"{what} recorded for {result.who}: {', '.join(str(a.day) for a in result.added)}.")
    if result.already:
        echo(f"Already recorded for {result.who}: {', '.join(map(str, result.already))}.")


@time_off_group.command("list")
@click.option("--member", metavar="LOGIN", help="Only this member's days (with the team's holidays).")
@click.option("--team", is_flag=True, help="Only the team's holidays.")
@click.option("--from", "start", metavar="DATE", help="From this day.")
@click.option("--to", "end", metavar="DATE", help="To this day.")
@format_option
@pass_ctx
def time_off_list(ctx: Ctx, member: str | None, team: bool, start: str | None, end: str | None, fmt: str) -> None:
    """List recorded days off and team holidays (login empty: a team holiday)."""
    from salessprint.domain.calendar import parse_date
    from salessprint.domain.inputs import report_range
    from salessprint.services.capacity import list_time_off

    _whom(member, team)
    first, last = report_range(parse_date(start, "from") if start else None, parse_date(end, "to") if end else None)
    emit(fmt, "time_off", list_time_off(ctx.store(), ctx.login, first, last, member, team), TIME_OFF_COLUMNS)


@time_off_group.command("remove")
@click.argument("day")
@click.option("--to", "last_day", metavar="DATE", help="Last day of the stretch to take back.")
@click.option("--member", metavar="LOGIN", help="Whose days (default: yours).")
@click.option("--team", is_flag=True, help="The team's holidays.")
@pass_ctx
def time_off_remove(ctx: Ctx, day: str, last_day: str | None, member: str | None, team: bool) -> None:
    """Take back the days off recorded on DAY (to --to)."""
    from salessprint.services.capacity import remove_time_off

    _whom(member, team)
    removed = remove_time_off(ctx.store(), ctx.login, day=day, last_day=last_day, member=member, team=team)
    who = "the team" if team else removed[0].name
    echo(f"Removed for {who}: {', '.join(str(r.day) for r in removed)}.")


COMMANDS = [time_off_group]
