"""The `salessprint` command line (click). With no command it opens the TUI.

Expected failures (`SalesSprintError`) print one line on stderr and exit 1;
nothing here imports Textual unless the TUI is being opened.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from salessprint.cli.context import Ctx
from salessprint.domain.errors import SalesSprintError

# Command modules, each exporting `COMMANDS`, and the commands they hold: a
# module is imported only when one of its commands runs (or for --help), so
# `salessprint log call` loads the command line's work module and no other.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "salessprint.cli.shared_cmds": ("history", "undo", "note"),
    "salessprint.cli.setup_cmds": ("init", "demo", "db"),
    "salessprint.cli.people": ("member", "target"),
    "salessprint.cli.work": ("deal", "task", "log"),
    "salessprint.cli.sprint_cmds": ("sprint",),
    "salessprint.cli.reports": ("report",),
    "salessprint.cli.review": ("review", "serve"),
    "salessprint.cli.io_cmds": ("import", "export", "restore"),
}
MODULE_OF = {name: module for module, names in COMMAND_MODULES.items() for name in names}


class SalesSprintGroup(click.Group):
    """A group that turns expected errors into `Error: ...` and exit status 1,
    and imports a command's module when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *MODULE_OF})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in MODULE_OF:
            for command in importlib.import_module(MODULE_OF[cmd_name]).COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SalesSprintError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, Ctx):
                obj.close()


@click.group(
    cls=SalesSprintGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--db",
    "db",
    metavar="URL",
    help="Database URL or SQLite file (else SALESSPRINT_DB, the config file, the default store).",
)
@click.option("--as", "as_", metavar="LOGIN", help="Act as this member (else SALESSPRINT_USER or the config file).")
@click.version_option(package_name="salessprint")
@click.pass_context
def cli(ctx: click.Context, db: str | None, as_: str | None) -> None:
    """Weekly sales sprints for B2B reps: plan, log, review.

    With no command, opens the terminal app on your store.
    """
    ctx.obj = Ctx(db_option=db, as_option=as_)
    if ctx.invoked_subcommand is None:
        from salessprint.cli.setup_cmds import open_tui

        open_tui(ctx.obj)


def main() -> None:
    cli(prog_name="salessprint")
