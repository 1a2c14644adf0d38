"""`import deals`: bring deals in from a CRM export.

An import into a store with no team creates the team (`--team NAME`) and
makes you (`--as LOGIN`) its admin; into an existing team it needs an admin.
"""

from __future__ import annotations

from pathlib import Path

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import dump_json, echo
from salessprint.cli.params import FilePath, plain_text
from salessprint.cli.progress import Progress

FORMAT_HELP = (
    "maven: the Maven 'CRM Sales Opportunities' sales_pipeline.csv (sales_teams.csv, accounts.csv and "
    "products.csv beside it are read too); salesforce: an Opportunity export (Account.csv and "
    "OpportunityHistory.csv beside it are read too); pipedrive, hubspot: their deal exports; csv: any "
    "file, with --mapping."
)


@click.group("import")
def import_group() -> None:
    """Bring data in from other tools."""


@import_group.command("deals")
@click.argument("file", type=FilePath(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    help=FORMAT_HELP,
    type=click.Choice(["maven", "salesforce", "pipedrive", "hubspot", "csv"], case_sensitive=False),
)
@click.option(
    "--mapping",
    type=FilePath(dir_okay=False, path_type=Path),
    help='A TOML file naming your columns ([columns] title = "Name" ...), for --format csv.',
)
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option(
    "--team",
    "team",
    metavar="NAME",
    callback=plain_text,
    help="In an empty store: create this team, with you as its admin.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
def import_deals_cmd(
    ctx: Ctx, file: Path, fmt: str, mapping: Path | None, dry_run: bool, team: str | None, as_json: bool
) -> None:
    """Import deals from a CRM export.

    Re-importing the same file updates the deals (matched on the CRM's ids),
    never duplicates them. A bad row stops the whole import, listing the bad
    rows as FILE:LINE: FIELD: PROBLEM; the store stays as it was.

    Into an existing team you must be an admin (--as LOGIN). Into a store
    with no team yet, --team NAME creates the team, with its stages taken
    from the file, and makes you (--as LOGIN) its admin.

    A mapping file for --format csv is TOML:

    \b
        [columns]
        external_id = "Deal ID"
        title = "Name"
        stage = "Stage"
        value = "Amount"
        account = "Company"
        owner = "Rep"
        closed_on = "Closed on"
        [stages]
        "Signed" = "won"
        "Dead" = "lost"
    """
    from salessprint.services.importing import import_deals

    with Progress("Importing deals") as bar:
        result = import_deals(
            ctx.store(check_schema=False),
            ctx.settings.user,
            file,
            fmt.lower(),
            mapping=mapping,
            dry_run=dry_run,
            team_name=team,
            progress=bar,
        )
    if as_json:
        dump_json(result)
        return
    verb = "Would import" if result.dry_run else "Imported"
    echo(
        f"{verb} {result.file} into '{result.team}'{' (new team)' if result.team_created else ''}: "
        f"{result.deals_created} new deals, {result.deals_updated} updated, {result.deals_unchanged} unchanged; "
        f"{len(result.members_created)} new members, {result.accounts_created} new accounts, "
        f"{result.events_created} stage changes ({result.seconds:.1f} s)."
    )
    if result.stages_created:
        echo(f"New stages: {', '.join(result.stages_created)}.")
    if result.members_created:
        shown = ", ".join(result.members_created[:12])
        more = f" and {len(result.members_created) - 12} more" if len(result.members_created) > 12 else ""
        echo(f"New members (logins): {shown}{more}.")
    for note in result.notes[:5]:
        echo(f"Note: {note}")
    if result.dry_run:
        echo("Dry run: nothing was changed.")


COMMANDS = [import_group]
