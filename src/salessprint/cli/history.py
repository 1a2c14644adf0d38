"""`history`: who changed what and when, newest first."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, emit, format_option

HISTORY_COLUMNS = ["id", "at", "login", "entity", "entity_id", "action", "summary"]


@click.command("history")
@click.option("--entity", metavar="KIND:ID", help="Only changes to this row, e.g. deal:12 or task:7.")
@click.option("--member", metavar="LOGIN", help="Only changes made by this member.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000), help="At most this many.")
@format_option
@pass_ctx
def history_cmd(ctx: Ctx, entity: str | None, member: str | None, limit: int, fmt: str) -> None:
    """Who changed what and when, newest first."""
    from salessprint.domain.clock import team_time
    from salessprint.services.history import history

    rows = history(ctx.store(), ctx.login, entity=entity, member=member, limit=limit)
    if fmt == "json":
        dump_json({"changes": rows})
        return
    emit(
        fmt,
        "changes",
        [
            {
                **r.model_dump(exclude={"before", "after", "fields", "timezone"}),
                "at": f"{team_time(r.at, r.timezone):%Y-%m-%d %H:%M %Z}",
            }
            for r in rows
        ],
        HISTORY_COLUMNS,
    )


COMMANDS = [history_cmd]
