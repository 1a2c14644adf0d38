"""Commands that set up a store: `init` (a new team in an empty store) and `db upgrade` (the schema)."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo
from salessprint.cli.params import password_option, plain_text, read_password


@click.command("init")
@click.option("--team", required=True, callback=plain_text, help="The team's name.")
@click.option("--admin", "admin", required=True, metavar="LOGIN", help="Your login; you become the admin.")
@click.option("--name", "name", help="Your full name.")
@click.option("--currency", default="EUR", show_default=True, help="Three-letter currency code.")
@click.option("--timezone", default="UTC", show_default=True, help="The team's timezone, e.g. Europe/Berlin.")
@password_option
@pass_ctx
def init_cmd(
    ctx: Ctx, team: str, admin: str, name: str | None, currency: str, timezone: str, password_stdin: bool
) -> None:
    """Create a new team in an empty store, with you as its admin.

    On PostgreSQL, run it as the database's owner: it also creates the
    admin's login role when missing (see docs/team-store.md)."""
    from salessprint.services.team import init_team

    _check_timezone(timezone)
    password = read_password() if password_stdin else None
    view = init_team(ctx.store(check_schema=False), team, admin, name, currency, timezone, password)
    from salessprint.config import save_settings

    db, had_password = _without_password(ctx.db_option)
    path = save_settings(user=admin, db=db)
    echo(f"Created team '{view.name}' with admin '{admin}'. Remembered you in {path}.")
    if had_password:
        echo(
            "The password in --db was not saved there: put it in ~/.pgpass (or the file PGPASSFILE names), "
            "as libpq reads it from there."
        )


def _without_password(url: str | None) -> tuple[str | None, bool]:
    """A database URL as it may be saved in the config file: never with a password."""
    if url is None or "://" not in url:
        return url, False
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url, False
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host)), True


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from salessprint.domain.errors import InvalidInput

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"'{name}' is not a timezone name like Europe/Berlin or UTC.") from None


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@pass_ctx
def db_upgrade(ctx: Ctx) -> None:
    """Create or upgrade the schema to the newest version."""
    store = ctx.store(check_schema=False)
    before = store.schema_state()
    report = store.upgrade()
    after = store.schema_state()
    if before.current == after.current:
        echo(f"{store.display_url} is already at the newest schema ({after.current}).")
    else:
        echo(f"Upgraded {store.display_url} from {before.current or 'empty'} to {after.current}.")
    for line in report:
        echo(line)


COMMANDS = [init_cmd, db_group]
