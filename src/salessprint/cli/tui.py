"""Opening the terminal app from the command line (`salessprint` with no command, and `demo`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salessprint.cli.context import Ctx
from salessprint.domain.errors import SalesSprintError

if TYPE_CHECKING:
    from salessprint.tui.app import Opened


def open_tui(ctx: Ctx) -> None:
    """Open the terminal app on the configured store and identity.

    Only the app shell is imported here, and it runs at once: its first worker
    opens the store, checks the schema and finds me while the header says
    "loading…" (or the header and board the first read drew). If that fails (no such member, old schema, server down) the app
    exits and the message is raised here, so it ends as one line and status 1.
    """
    import gc

    gc.disable()  # until the first screen has loaded: see tui.app.settle_garbage_collector
    from salessprint.quick_settings import peek_settings
    from salessprint.tui.app import SalesSprintApp

    if ctx._store is not None:  # already opened (demo): reuse it
        app = SalesSprintApp(store=ctx._store, login=ctx.login, theme_name=ctx.settings.theme)
    else:
        # Store, login and theme read without pydantic, for the first frame with data
        # (the settings proper are read in the app's worker and have the last word).
        first = peek_settings(ctx.db_option, ctx.as_option)
        app = SalesSprintApp(connect=lambda: _open(ctx), first=first)
    try:
        app.run()
    finally:
        gc.enable()
        if app.store is not None and app.store is not ctx._store:
            app.store.dispose()
    if app.fatal_error is not None:
        raise SalesSprintError(app.fatal_error)


def _open(ctx: Ctx) -> Opened:
    """In the app's first worker: settings (pydantic-settings), then the store."""
    from salessprint.services import open_store
    from salessprint.tui.app import Opened

    login, settings = ctx.login, ctx.settings
    return Opened(open_store(settings.db), login, settings.theme)
