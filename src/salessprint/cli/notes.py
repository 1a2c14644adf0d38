"""`note` commands: meeting notes and market intelligence on deals and accounts."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo, emit, format_option
from salessprint.cli.params import DEAL_ID

NOTE_COLUMNS = ["id", "created_at", "author", "account", "deal_id", "text"]


@click.group("note")
def note_group() -> None:
    """Meeting notes and market intelligence, visible to the whole team."""


@note_group.command("add")
@click.argument("text")
@click.option("--deal", "deal_id", type=DEAL_ID, help="The deal it is about.")
@click.option("--account", help="The account it is about (by name).")
@pass_ctx
def note_add(ctx: Ctx, text: str, deal_id: int | None, account: str | None) -> None:
    """Add a note on a deal or an account; prints its id."""
    from salessprint.services.notes import add_note

    echo(add_note(ctx.store(), ctx.login, text, deal_id=deal_id, account=account).id)


@note_group.command("list")
@click.option("--deal", "deal_id", type=DEAL_ID, help="Only notes on this deal.")
@click.option("--account", help="Only notes on this account (and its deals).")
@click.option("--author", metavar="LOGIN", help="Only notes by this member.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000), help="At most this many.")
@format_option
@pass_ctx
def note_list(ctx: Ctx, deal_id: int | None, account: str | None, author: str | None, limit: int, fmt: str) -> None:
    """List the team's notes, newest first."""
    from salessprint.services.notes import list_notes

    rows = list_notes(ctx.store(), ctx.login, deal_id=deal_id, account=account, author=author, limit=limit)
    if fmt == "json":
        emit(fmt, "notes", rows, NOTE_COLUMNS)
        return
    emit(
        fmt,
        "notes",
        [{**r.model_dump(), "created_at": r.created_at.strftime("%Y-%m-%d %H:%M")} for r in rows],
        NOTE_COLUMNS,
    )


COMMANDS = [note_group]
