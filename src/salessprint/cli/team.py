"""`team` commands: the team's planning settings."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, echo


@click.group("team")
def team_group() -> None:
    """The team's settings."""


@team_group.command("forecast")
@click.option("--history", type=click.IntRange(1, 520), help="Closed sprints a velocity forecast averages.")
@click.option("--min-history", type=click.IntRange(1, 520), help="Closed sprints a forecast needs to be known.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_ctx
def team_forecast(ctx: Ctx, history: int | None, min_history: int | None, fmt: str) -> None:
    """Show or set how forecasts read the closed sprints (sprint planning, 'report velocity' and
    'report forecast' use it unless told otherwise)."""
    from salessprint.services.team import forecast_window, set_forecast_window

    if history is None and min_history is None:
        window = forecast_window(ctx.store(), ctx.login)
    else:
        window = set_forecast_window(ctx.store(), ctx.login, history, min_history)
    if fmt == "json":
        dump_json(window.model_dump(mode="json"))
        return
    echo(
        f"Forecasts average the last {window.history} closed sprints and need at least "
        f"{window.min_history} to be known."
    )


COMMANDS = [team_group]
