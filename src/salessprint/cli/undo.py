"""`undo`: take back my own last change."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo


@click.command("undo")
@pass_ctx
def undo_cmd(ctx: Ctx) -> None:
    """Undo my own last change, if nobody changed that row since."""
    from salessprint.services.undo import undo

    echo(undo(ctx.store(), ctx.login).message)


COMMANDS = [undo_cmd]
