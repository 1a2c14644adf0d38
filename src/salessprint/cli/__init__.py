"""The `salessprint` command line (click). With no command it opens the TUI.

Expected failures (`SalesSprintError`) print one line on stderr and exit 1;
nothing here imports Textual unless the TUI is being opened.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

from salessprint.cli.context import Ctx
from salessprint.cli.discovery import command_modules
from salessprint.domain.errors import SalesSprintError
from salessprint.domain.text import visible

# Each top-level command's name -> its module, read from the modules' source
# (see cli/discovery.py); a module is imported only when one of its commands runs.
MODULE_OF: dict[str, str] = command_modules(__name__, __path__[0])


class SalesSprintGroup(click.Group):
    """A group that turns expected errors into `Error: ...` and exit status 1
    (control characters in them drawn as symbols: they may quote stored or
    typed text; click's own usage errors quote with repr), and imports a command's module when the command is asked for."""

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
            raise click.ClickException(visible(exc.message)) from None
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
        collect_again()
        from salessprint.cli.tui import open_tui

        open_tui(ctx.obj)


def collect_again() -> None:
    """Turn the garbage collector back on after start-up (see `main`), with
    what was imported so far frozen out of its sight (it stays for good)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main() -> None:
    # A command's imports (SQLAlchemy, pydantic, click) make hundreds of
    # thousands of objects that live as long as the process; the collector's
    # passes over them were ~4% of `log call`'s CPU. It is off until the
    # command opens its store (`Ctx.store`) or the TUI starts, then back on.
    gc.disable()
    cli(prog_name="salessprint")
