"""Team collaboration commands: `history`, `undo`, `note add/list`, `deal timeline`."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, emit, format_option
from salessprint.cli.deals import deal_group

HISTORY_COLUMNS = ["id", "at", "login", "entity", "entity_id", "action", "summary"]
NOTE_COLUMNS = ["id", "created_at", "author", "account", "deal_id", "text"]
TIMELINE_COLUMNS = ["at", "login", "kind", "text"]


@click.command("history")
@click.option("--entity", metavar="KIND:ID", help="Only changes to this row, e.g. deal:12 or task:7.")
@click.option("--member", metavar="LOGIN", help="Only changes made by this member.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000), help="At most this many.")
@format_option
@pass_ctx
def history_cmd(ctx: Ctx, entity: str | None, member: str | None, limit: int, fmt: str) -> None:
    """Who changed what and when, newest first."""
    from salessprint.services.history import history

    rows = history(ctx.store(), ctx.login, entity=entity, member=member, limit=limit)
    if fmt == "json":
        dump_json({"changes": rows})
        return
    emit(
        fmt,
        "changes",
        [
            {**r.model_dump(exclude={"before", "after", "fields"}), "at": r.at.strftime("%Y-%m-%d %H:%M:%S")}
            for r in rows
        ],
        HISTORY_COLUMNS,
    )


@click.command("undo")
@pass_ctx
def undo_cmd(ctx: Ctx) -> None:
    """Undo my own last change, if nobody changed that row since."""
    from salessprint.services.history import undo

    click.echo(undo(ctx.store(), ctx.login).message)


@click.group("note")
def note_group() -> None:
    """Meeting notes and market intelligence, visible to the whole team."""


@note_group.command("add")
@click.argument("text")
@click.option("--deal", "deal_id", type=int, help="The deal it is about.")
@click.option("--account", help="The account it is about (by name).")
@pass_ctx
def note_add(ctx: Ctx, text: str, deal_id: int | None, account: str | None) -> None:
    """Add a note on a deal or an account; prints its id."""
    from salessprint.services.notes import add_note

    click.echo(add_note(ctx.store(), ctx.login, text, deal_id=deal_id, account=account).id)


@note_group.command("list")
@click.option("--deal", "deal_id", type=int, help="Only notes on this deal.")
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


@deal_group.command("timeline")
@click.argument("deal_id", type=int)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000), help="At most this many.")
@format_option
@pass_ctx
def deal_timeline_cmd(ctx: Ctx, deal_id: int, limit: int, fmt: str) -> None:
    """Who did what on a deal: edits, collaborators, notes, activities."""
    from salessprint.services.history import deal_timeline

    rows = deal_timeline(ctx.store(), ctx.login, deal_id, limit)
    if fmt == "json":
        emit(fmt, "timeline", rows, TIMELINE_COLUMNS)
        return
    emit(fmt, "timeline", [{**r.model_dump(), "at": r.at.strftime("%Y-%m-%d %H:%M")} for r in rows], TIMELINE_COLUMNS)


COMMANDS = [history_cmd, undo_cmd, note_group]
