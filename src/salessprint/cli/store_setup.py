"""Commands that create or open a store: init, demo, db upgrade, and the TUI."""

from __future__ import annotations

from typing import Any

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.domain.errors import SalesSprintError


def open_tui(ctx: Ctx) -> None:
    """Open the terminal app on the configured store and identity.

    Only the app shell is imported here, and it runs at once: its first worker
    opens the store, checks the schema and finds me while the header says
    "loading…". If that fails (no such member, old schema, server down) the app
    exits and the message is raised here, so it ends as one line and status 1.
    """
    import gc

    gc.disable()  # until the first screen has loaded: see tui.app.settle_garbage_collector
    from salessprint.tui.app import SalesSprintApp

    if ctx._store is not None:  # already opened (demo): reuse it
        app = SalesSprintApp(store=ctx._store, login=ctx.login, theme_name=ctx.settings.theme)
    else:
        app = SalesSprintApp(connect=lambda: _open(ctx))
    try:
        app.run()
    finally:
        gc.enable()
        if app.store is not None and app.store is not ctx._store:
            app.store.dispose()
    if app.fatal_error is not None:
        raise SalesSprintError(app.fatal_error)


def _open(ctx: Ctx) -> Any:
    """In the app's first worker: settings (pydantic-settings), then the store."""
    from salessprint.services import open_store
    from salessprint.tui.app import Opened

    login, settings = ctx.login, ctx.settings
    return Opened(open_store(settings.db), login, settings.theme)


@click.command("init")
@click.option("--team", required=True, help="The team's name.")
@click.option("--admin", "admin", required=True, metavar="LOGIN", help="Your login; you become the admin.")
@click.option("--name", "name", help="Your full name.")
@click.option("--currency", default="EUR", show_default=True, help="Three-letter currency code.")
@click.option("--timezone", default="UTC", show_default=True, help="The team's timezone, e.g. Europe/Berlin.")
@pass_ctx
def init_cmd(ctx: Ctx, team: str, admin: str, name: str | None, currency: str, timezone: str) -> None:
    """Create a new team in an empty store, with you as its admin."""
    from salessprint.services.team import init_team

    _check_timezone(timezone)
    view = init_team(ctx.store(check_schema=False), team, admin, name, currency, timezone)
    from salessprint.config import save_settings

    path = save_settings(user=admin, db=ctx.db_option)
    click.echo(f"Created team '{view.name}' with admin '{admin}'. Remembered you in {path}.")


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from salessprint.domain.errors import InvalidInput

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"'{name}' is not a timezone name like Europe/Berlin or UTC.") from None


@click.command("demo")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed: the same seed builds the same team.")
@click.option("--no-tui", is_flag=True, help="Build the demo team and exit without opening the app.")
@pass_ctx
def demo_cmd(ctx: Ctx, seed: int, no_tui: bool) -> None:
    """Build (or rebuild) the demo team and open the app on it."""
    from salessprint.services.demo import build_demo

    summary = build_demo(ctx.store(check_schema=False), seed=seed)
    from salessprint.config import save_settings

    save_settings(user=summary.manager_login, db=ctx.db_option)
    click.echo(
        f"Demo team '{summary.team}' ready in {ctx.store().display_url}: {summary.members} members, "
        f"{summary.deals} deals, {summary.sprints} sprints, {summary.activities} activities. "
        f"You are '{summary.manager_login}' (the manager)."
    )
    if not no_tui:
        ctx.as_option = summary.manager_login
        ctx._settings = None
        open_tui(ctx)


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@pass_ctx
def db_upgrade(ctx: Ctx) -> None:
    """Create or upgrade the schema to the newest version."""
    store = ctx.store(check_schema=False)
    before = store.schema_state()
    store.upgrade()
    after = store.schema_state()
    if before.current == after.current:
        click.echo(f"{store.display_url} is already at the newest schema ({after.current}).")
    else:
        click.echo(f"Upgraded {store.display_url} from {before.current or 'empty'} to {after.current}.")


COMMANDS = [init_cmd, demo_cmd, db_group]
