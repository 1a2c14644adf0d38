"""`review` (the weekly meeting's slides) and `serve` (the same in a browser)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from salessprint.cli.context import Ctx, pass_ctx
from salessprint.cli.output import echo
from salessprint.domain.text import counted


@click.command("review")
@click.option("--theme", default="projector", show_default=True, help="Theme for the shared screen (and the export).")
@click.option(
    "--export",
    "export",
    metavar="FILE",
    help="Write every slide to FILE instead of showing them: .html (one page) or .svg (the slides stacked).",
)
@click.option(
    "--size",
    default="200x50",
    show_default=True,
    metavar="COLSxROWS",
    help="With --export: the terminal size the slides are rendered at.",
)
@pass_ctx
def review_cmd(ctx: Ctx, theme: str, export: str | None, size: str) -> None:
    """Run the weekly review as full-screen slides (arrow keys / space move).

    With --export, write the slides to a file to share after the meeting."""
    from salessprint.services.members import whoami

    if export is not None:
        from salessprint.tui.review_export import check_target, export_review, parse_size

        target = Path(export).expanduser()
        check_target(target)  # a bad name fails before the store is opened
        cells = parse_size(size)
        store = ctx.store()
        whoami(store, ctx.login)
        count = export_review(store, ctx.login, target, theme=theme, size=cells)
        echo(f"Wrote {counted(count, 'slide')} to {target}")
        return
    store = ctx.store()
    whoami(store, ctx.login)  # fail in plain words before the screen opens
    from salessprint.tui.review_app import ReviewApp

    ReviewApp(store=store, login=ctx.login, theme_name=theme).run()


def serve_command(ctx: Ctx, whole_app: bool) -> str:
    """The command textual-serve runs for each browser: this program, same store and login."""
    parts = [sys.executable, "-m", "salessprint", "--db", ctx.settings.db, "--as", ctx.login]
    return shlex.join(parts) if whole_app else shlex.join([*parts, "review"])


@click.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every network this machine is on).",
)
@click.option("--app", "whole_app", is_flag=True, help="Serve the whole app (editing too) instead of the review.")
@pass_ctx
def serve_cmd(ctx: Ctx, port: int, host: str, whole_app: bool) -> None:
    """Serve the review (read-only slides) to a browser, behind a secret link.

    The link printed at start carries a token; without it the server answers
    403. With --app the browser gets the whole app, acting as you."""
    from salessprint.services.members import whoami

    whoami(ctx.store(), ctx.login)
    from salessprint.tui.web import TokenServer, new_token

    token = new_token()
    what = "the whole app, acting as you" if whole_app else "the review (read-only)"
    echo(f"Serving {what} on http://{host}:{port}/?token={token}")
    echo("Anyone with this link can see it; Ctrl+C stops.")
    TokenServer(serve_command(ctx, whole_app), token=token, host=host, port=port, title="salessprint").serve()


COMMANDS = [review_cmd, serve_cmd]
