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

# Command modules, each exporting `COMMANDS`: imported when the group is built.
COMMAND_MODULES = (
    "salessprint.cli.shared_cmds",
    "salessprint.cli.setup_cmds",
    "salessprint.cli.people",
    "salessprint.cli.work",
    "salessprint.cli.sprint_cmds",
    "salessprint.cli.report_cmds",
    "salessprint.cli.review_cmds",
    "salessprint.cli.io_cmds",
)


class SalesSprintGroup(click.Group):
    """A group that turns expected errors into `Error: ...` and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SalesSprintError as exc:
            raise click.ClickException(exc.message) from None
        finally:
            obj = ctx.obj
            if isinstance(obj, Ctx):
                obj.close()


@click.group(cls=SalesSprintGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", metavar="URL", help="Database URL or SQLite file (else SALESSPRINT_DB, the config file, the default store).")
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


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        cli.add_command(_command)


def main() -> None:
    cli(prog_name="salessprint")
