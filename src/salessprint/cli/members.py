"""`member` commands: the team's members."""

from __future__ import annotations

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo, emit, format_option
from salessprint.cli.params import password_option, read_password
from salessprint.domain.enums import Role

MEMBER_COLUMNS = ["id", "login", "name", "role", "sales_role", "territory", "started_on"]


@click.group("member")
def member_group() -> None:
    """Team members."""


@member_group.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", default=Role.REP.value, show_default=True, help="rep, manager or admin.")
@click.option("--sales-role", help="SDR, AE or CSM.")
@click.option("--territory", help="Territory or region.")
@click.option("--started", help="Start date, YYYY-MM-DD.")
@password_option
@pass_ctx
def member_add(
    ctx: Ctx,
    login: str,
    name: str,
    role: str,
    sales_role: str | None,
    territory: str | None,
    started: str | None,
    password_stdin: bool,
) -> None:
    """Add a member (admins only). On PostgreSQL their login role is created
    when missing and granted their role's group."""
    from salessprint.services.members import add_member

    view = add_member(
        ctx.store(),
        ctx.login,
        password=read_password() if password_stdin else None,
        login=login,
        name=name,
        role=role.strip().lower(),
        sales_role=sales_role.strip().upper() if sales_role else None,
        territory=territory,
        started_on=started,
    )
    echo(f"Added {view.name} ({view.login}) as {view.role}.")


@member_group.command("role")
@click.argument("login")
@click.argument("role", type=click.Choice([r.value for r in Role], case_sensitive=False))
@pass_ctx
def member_role(ctx: Ctx, login: str, role: str) -> None:
    """Change a member's role (admins only)."""
    from salessprint.services.members import set_role

    view = set_role(ctx.store(), ctx.login, login, role)
    echo(f"{view.name} ({view.login}) is now {view.role}.")


@member_group.command("deactivate")
@click.argument("login")
@pass_ctx
def member_deactivate(ctx: Ctx, login: str) -> None:
    """Deactivate a member (admins only): they can no longer act; their history stays."""
    from salessprint.services.members import deactivate_member

    view = deactivate_member(ctx.store(), ctx.login, login)
    echo(f"Deactivated {view.name} ({view.login}); their history stays.")


@member_group.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive members.")
@format_option
@pass_ctx
def member_list(ctx: Ctx, include_inactive: bool, fmt: str) -> None:
    """List the team's members."""
    from salessprint.services.members import list_members

    emit(fmt, "members", list_members(ctx.store(), ctx.login, include_inactive), MEMBER_COLUMNS)


@click.command("whoami")
@pass_ctx
def whoami_cmd(ctx: Ctx) -> None:
    """Which member you act as, in which team and store (its password masked)."""
    from salessprint.services.members import whoami
    from salessprint.services.team import get_team

    store = ctx.store()
    me = whoami(store, ctx.login)
    team = get_team(store, ctx.login)
    echo(f"You are {me.name} ({me.login}, {me.role}) in {team.name}.")
    echo(f"Store: {store.display_url}")


COMMANDS = [member_group, whoami_cmd]
