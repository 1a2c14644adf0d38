"""`export` (the whole team as a JSON backup, or CSV files) and `restore` (a backup into an empty store).

`restore` needs no identity: it only fills an empty store.
"""

from __future__ import annotations

from pathlib import Path

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo
from salessprint.cli.params import FilePath
from salessprint.cli.progress import Progress


@click.command("export")
@click.argument("file", required=False, type=FilePath(dir_okay=False, path_type=Path))
@click.option(
    "--csv",
    "csv_dir",
    metavar="DIR",
    type=FilePath(file_okay=False, path_type=Path),
    help="Write one CSV per table into DIR (for spreadsheets) instead of a JSON backup.",
)
@pass_ctx
def export_cmd(ctx: Ctx, file: Path | None, csv_dir: Path | None) -> None:
    """Write the whole team to FILE.json (a backup 'restore' reads back), or
    its tables as CSV files with --csv DIR. Managers and admins only."""
    from salessprint.services.backup import export_csv, export_json

    if (file is None) == (csv_dir is None):
        raise click.UsageError("Give either FILE.json or --csv DIR.")
    if file is not None and file.name in ("", ".", ".."):
        raise click.UsageError(f"'{file}' is not a file name: give the backup a name such as team.json.")
    if csv_dir is not None:
        with Progress("Exporting") as bar:
            summary = export_csv(ctx.store(), ctx.login, csv_dir, progress=bar)
        echo(f"Wrote {len(summary.rows)} CSV files for '{summary.team}' into {summary.path}.")
        return
    assert file is not None
    with Progress("Exporting") as bar:
        summary = export_json(ctx.store(), ctx.login, file, progress=bar)
    echo(f"Exported '{summary.team}' to {summary.path}: {_counts(summary.rows)}.")


@click.command("restore")
@click.argument("file", type=FilePath(dir_okay=False, path_type=Path))
@pass_ctx
def restore_cmd(ctx: Ctx, file: Path) -> None:
    """Restore a backup written by 'export' into an empty store (SQLite or
    PostgreSQL), creating the schema. A store that holds a team is refused."""
    from salessprint.services.backup import restore

    with Progress("Restoring") as bar:
        summary = restore(ctx.store(check_schema=False), file, progress=bar)
    echo(f"Restored '{summary.team}' into {ctx.store(check_schema=False).display_url}: {_counts(summary.rows)}.")


def _counts(rows: dict[str, int]) -> str:
    keys = ("members", "deals", "tasks", "sprints", "activities", "changes")
    return ", ".join(f"{rows.get(k, 0)} {k}" for k in keys)


COMMANDS = [export_cmd, restore_cmd]
