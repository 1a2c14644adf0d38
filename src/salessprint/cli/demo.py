"""`demo`: build the demo team and open the app on it."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo
from salessprint.cli.progress import Progress
from salessprint.cli.tui import open_tui


@click.command("demo")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed: the same seed builds the same team.")
@click.option("--no-tui", is_flag=True, help="Build the demo team and exit without opening the app.")
@pass_ctx
def demo_cmd(ctx: Ctx, seed: int, no_tui: bool) -> None:
    """Build (or rebuild) the demo team and open the app on it."""
    from salessprint.services.demo import build_demo

    with Progress("Building the demo team", "steps", min_total=0) as bar:
        summary = build_demo(ctx.store(check_schema=False), seed=seed, progress=bar)
    from salessprint.config import save_settings

    save_settings(user=summary.manager_login, db=ctx.db_option)
    echo(
        f"Demo team '{summary.team}' ready in {ctx.store().display_url}: {summary.members} members, "
        f"{summary.deals} deals, {summary.sprints} sprints, {summary.activities} activities. "
        f"You are '{summary.manager_login}' (the manager)."
    )
    if not no_tui:
        ctx.as_option = summary.manager_login
        ctx._settings = None
        open_tui(ctx)


COMMANDS = [demo_cmd]
