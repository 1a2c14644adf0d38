"""`log`: record an activity (a call, a meeting, ...) that counts towards targets."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo
from salessprint.cli.params import DEAL_ID


@click.command("log")
@click.argument("kind")
@click.option("--deal", "deal_id", type=DEAL_ID, help="The deal it was about.")
@click.option("--outcome", help="What came of it.")
@click.option("--note", help="A longer note.")
@click.option("--when", help="When it happened, YYYY-MM-DDTHH:MM (default now).")
@click.option("--member", help="Log for this member (managers).")
@pass_ctx
def log_cmd(
    ctx: Ctx,
    kind: str,
    deal_id: int | None,
    outcome: str | None,
    note: str | None,
    when: str | None,
    member: str | None,
) -> None:
    """Log an activity: call, email, meeting, note, demo or proposal."""
    from salessprint.services.activities_core import log_activity_core  # Core only: no ORM to import

    view = log_activity_core(
        ctx.store(), ctx.login, member=member, kind=kind, deal_id=deal_id, outcome=outcome, note=note, when=when
    )
    echo(f"Logged a {view.kind} for {view.login} (#{view.id}).")


COMMANDS = [log_cmd]
