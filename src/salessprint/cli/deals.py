"""`deal` commands: the pipeline's deals, and who did what on one (`deal timeline`)."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, echo, emit, format_option, print_table, to_jsonable
from salessprint.cli.params import DEAL_ID

DEAL_COLUMNS = ["id", "title", "account", "value", "stage", "forecast_category", "owner", "expected_close", "points"]
TIMELINE_COLUMNS = ["at", "login", "kind", "text"]
ARCHIVE_COLUMNS = ["deal_id", "title", "owner", "archived_at", "archived_by", "summary"]


@click.group("deal")
def deal_group() -> None:
    """Deals in the pipeline."""


@deal_group.command("add")
@click.argument("title")
@click.option("--account", required=True, help="Account (company) name; created if new.")
@click.option("--value", required=True, help="Deal value, e.g. 12500 or 12500.50.")
@click.option("--owner", help="Owner's login (default: you).")
@click.option("--stage", help="Stage name (default: the first stage).")
@click.option("--close", help="Expected close date, YYYY-MM-DD.")
@click.option("--points", help="Effort estimate in points.")
@pass_ctx
def deal_add(
    ctx: Ctx,
    title: str,
    account: str,
    value: str,
    owner: str | None,
    stage: str | None,
    close: str | None,
    points: str | None,
) -> None:
    """Add a deal; prints its id."""
    from salessprint.services.deals import add_deal

    view = add_deal(
        ctx.store(),
        ctx.login,
        title=title,
        account=account,
        value=value,
        owner=owner,
        stage=stage,
        expected_close=close,
        points=points,
    )
    echo(view.id)


@deal_group.command("list")
@click.option("--mine", is_flag=True, help="Only my deals.")
@click.option("--open", "open_only", is_flag=True, help="Only open deals.")
@click.option("--stage", help="Only deals in this stage.")
@click.option("--search", help="Text in title, account, owner or stage.")
@click.option("--limit", type=click.IntRange(1, 100000), help="At most this many.")
@format_option
@pass_ctx
def deal_list(
    ctx: Ctx, mine: bool, open_only: bool, stage: str | None, search: str | None, limit: int | None, fmt: str
) -> None:
    """List deals in backlog order."""
    from salessprint.services.deals import list_deals

    rows = list_deals(ctx.store(), ctx.login, mine=mine, open_only=open_only, stage=stage, text=search, limit=limit)
    emit(fmt, "deals", rows, DEAL_COLUMNS)


@deal_group.command("move")
@click.argument("deal_id", type=DEAL_ID)
@click.argument("stage")
@click.option("--reason", help="Why it was lost (with Lost).")
@pass_ctx
def deal_move(ctx: Ctx, deal_id: int, stage: str, reason: str | None) -> None:
    """Move a deal to STAGE (Won and Lost close it)."""
    from salessprint.services.deals_core import move_deal_core  # Core only: no ORM to import

    view = move_deal_core(ctx.store(), ctx.login, deal_id, stage, lost_reason=reason)
    echo(f"Deal #{view.id} is now in {view.stage}.")
    for line in view.also:
        echo(line)


@deal_group.command("update")
@click.argument("deal_id", type=DEAL_ID)
@click.option("--title", help="New title.")
@click.option("--value", help="New value, e.g. 12500 or 12500.50.")
@click.option("--close", help="New expected close date, YYYY-MM-DD (a later date counts as a push).")
@click.option("--points", help="Effort estimate in points.")
@click.option("--next-step", help="The next step.")
@click.option(
    "--forecast-category",
    help="pipeline, best-case, commit or omitted (owner or manager); default follows the stage again.",
)
@pass_ctx
def deal_update(
    ctx: Ctx,
    deal_id: int,
    title: str | None,
    value: str | None,
    close: str | None,
    points: str | None,
    next_step: str | None,
    forecast_category: str | None,
) -> None:
    """Change a deal's fields; only the options given change."""
    from salessprint.domain.errors import InvalidInput
    from salessprint.services.deals import update_deal

    given = {
        "title": title,
        "value": value,
        "expected_close": close,
        "points": points,
        "next_step": next_step,
        "forecast_category": forecast_category,
    }
    fields: dict[str, object] = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise InvalidInput("Nothing to change: give at least one option (see 'salessprint deal update --help').")
    view = update_deal(ctx.store(), ctx.login, deal_id, None, **fields)
    how = "set on the deal" if view.forecast_category_set else "from its stage"
    echo(
        f"Deal #{view.id} updated: {view.stage}, forecast category {view.forecast_category.replace('_', ' ')} "
        f"({how}), expected close {view.expected_close or 'not set'}."
    )


@deal_group.command("show")
@click.argument("deal_id", type=DEAL_ID)
@format_option
@pass_ctx
def deal_show(ctx: Ctx, deal_id: int, fmt: str) -> None:
    """Show one deal."""
    from salessprint.services.deals import get_deal

    view = get_deal(ctx.store(), ctx.login, deal_id)
    if fmt == "json":
        dump_json(view)
    else:
        data = to_jsonable(view)
        print_table([{"field": k, "value": v} for k, v in data.items()], ["field", "value"])
        if view.pushed_flag:
            echo(f"\nFlag: the expected close was pushed {view.close_pushes} times.")


@deal_group.command("collaborate")
@click.argument("deal_id", type=DEAL_ID)
@click.argument("login")
@pass_ctx
def deal_collaborate(ctx: Ctx, deal_id: int, login: str) -> None:
    """Add LOGIN as a collaborator on a deal."""
    from salessprint.services.deals import add_collaborator

    view = add_collaborator(ctx.store(), ctx.login, deal_id, login)
    echo(f"Deal #{view.id} collaborators: {', '.join(view.collaborators) or '(none)'}.")


@deal_group.command("timeline")
@click.argument("deal_id", type=DEAL_ID)
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


@deal_group.command("delete")
@click.argument("deal_id", type=DEAL_ID)
@pass_ctx
def deal_delete(ctx: Ctx, deal_id: int) -> None:
    """Archive a deal with its notes, collaborators, cards and task links (undo brings it back)."""
    from salessprint.services.deals import delete_deal

    gone = delete_deal(ctx.store(), ctx.login, deal_id)
    echo(
        f"Deal #{gone.deal_id} '{gone.title}' archived with {gone.summary}. "
        f"'salessprint undo' or 'salessprint deal restore {gone.deal_id}' brings it back."
    )


@deal_group.command("archived")
@format_option
@pass_ctx
def deal_archived(ctx: Ctx, fmt: str) -> None:
    """Deleted deals in the archive, newest first."""
    from salessprint.services.archive import list_archived

    rows = list_archived(ctx.store(), ctx.login)
    if fmt == "json":
        emit(fmt, "archived", rows, ARCHIVE_COLUMNS)
        return
    shown = [
        {**r.model_dump(), "archived_at": r.archived_at.strftime("%Y-%m-%d %H:%M") if r.archived_at else ""}
        for r in rows
    ]
    emit(fmt, "archived", shown, ARCHIVE_COLUMNS)


@deal_group.command("restore")
@click.argument("deal_id", type=DEAL_ID)
@pass_ctx
def deal_restore(ctx: Ctx, deal_id: int) -> None:
    """Bring an archived deal back with everything archived with it."""
    from salessprint.services.archive import restore_deal

    back = restore_deal(ctx.store(), ctx.login, deal_id)
    echo(f"Deal #{back.deal_id} '{back.title}' is back with {back.summary}.")
    for line in back.also:
        echo(line)


@deal_group.command("purge")
@click.argument("deal_id", type=DEAL_ID)
@click.option("--yes", is_flag=True, help="Do not ask; purge at once.")
@pass_ctx
def deal_purge(ctx: Ctx, deal_id: int, yes: bool) -> None:
    """Remove an archived deal and all archived with it for good (admins only)."""
    from salessprint.services.archive import check_purge, purge_deal

    store = ctx.store()
    found = check_purge(store, ctx.login, deal_id)  # refuses a non-admin before asking
    if not yes:
        echo(f"Deal #{found.deal_id} '{found.title}' and {found.summary} will be gone for good.")
        if not click.confirm("Purge it?", default=False):
            echo("Nothing purged.")
            return
    gone = purge_deal(store, ctx.login, deal_id)
    echo(f"Deal #{gone.deal_id} '{gone.title}' purged for good, with {gone.summary}.")


COMMANDS = [deal_group]
