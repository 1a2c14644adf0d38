"""The import dialog, pushed by a tiny app: progress, result and bad rows on
screen as plain text, and the store changed only by a good file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from textual.app import App
from textual.widgets import Checkbox, Input, ProgressBar, Static

from salessprint.store.models import Deal
from salessprint.tui.modals.import_dialog import ImportDialog
from tests.hostile.support import make_team
from tests.tui.harness import settle

GOOD = """Deal - ID,Deal - Title,Deal - Value,Deal - Organization,Deal - Owner,Deal - Stage,Deal - Status,Deal - Won time
1,[bold]Acme[/] renewal,1000,Acme,Rita Rep,Proposal,open,
2,Beta,2500,Beta,Rob Rep,Proposal,won,2026-11-20 10:00:00
"""
BAD = """Deal - ID,Deal - Title,Deal - Value,Deal - Stage,Deal - Status
1,Acme,lots,Proposal,open
2,Beta,1.234,56,Proposal,open
"""


class Host(App[None]):
    def __init__(self, store: Any, login: str, path: str) -> None:
        super().__init__()
        self.store = store
        self.login = login
        self.path = path
        self.closed_with: Any = "not closed"

    def on_mount(self) -> None:
        self.push_screen(ImportDialog(self.path, "pipedrive"), callback=self.dialog_closed)

    def dialog_closed(self, result: Any) -> None:
        self.closed_with = result


def count(store: Any) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(Deal)) or 0)


def test_import_dialog(tmp_path: Path, frozen) -> None:
    store = make_team(f"sqlite:///{tmp_path / 's.db'}")
    good = tmp_path / "deals.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD, encoding="utf-8")
    app = Host(store, "ada", str(good))

    async def scenario() -> None:
        async with app.run_test(size=(110, 40)) as pilot:
            dialog = app.screen
            assert isinstance(dialog, ImportDialog)
            dialog.query_one("#import-dry-run", Checkbox).value = True
            await pilot.press("ctrl+r")
            await settle(pilot)
            text = str(dialog.query_one("#import-result", Static).render())
            assert "Would import deals.csv into 'Test Team': 2 new deals" in text
            assert "Dry run: nothing was changed." in text
            assert count(store) == 0

            dialog.query_one("#import-dry-run", Checkbox).value = False
            await pilot.click("#import-start")
            await settle(pilot)
            text = str(dialog.query_one("#import-result", Static).render())
            assert "Imported deals.csv into 'Test Team': 2 new deals" in text
            bar = dialog.query_one("#import-progress", ProgressBar)
            assert bar.total is not None and bar.progress == bar.total
            assert count(store) == 2

            dialog.query_one("#import-path", Input).value = str(bad)
            await pilot.press("ctrl+r")
            await settle(pilot)
            result = dialog.query_one("#import-result", Static)
            text = str(result.render())
            assert "bad.csv:2: Deal - Value: 'lots' is not an amount of money" in text
            assert "bad.csv:3: row: has 6 cells but the header has 5 columns" in text
            assert result.has_class("-error")
            assert count(store) == 2

            await pilot.press("escape")
            await pilot.pause()
            assert app.closed_with is not None and app.closed_with.deals_created == 2

    asyncio.run(scenario())
    with store.session() as s:
        assert s.scalar(select(Deal.title).where(Deal.external_id == "1")) == "[bold]Acme[/] renewal"
    store.dispose()


def test_import_dialog_snapshot_with_bad_rows(tmp_path: Path, monkeypatch, frozen, snap_compare) -> None:
    """The dialog after a refused file: the bad rows, listed as plain text."""
    monkeypatch.chdir(tmp_path)
    store = make_team(f"sqlite:///{tmp_path / 's.db'}")
    (tmp_path / "bad.csv").write_text(BAD.replace("Acme", "[red]Acme[/]"), encoding="utf-8")
    app = Host(store, "ada", "bad.csv")

    async def run_before(pilot) -> None:
        await pilot.press("ctrl+r")
        await settle(pilot)
        app.clear_notifications()
        app.screen.query_one("#import-start").focus()  # no blinking text cursor in the picture
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(app, terminal_size=(100, 34), run_before=run_before)
    assert count(store) == 0
    store.dispose()
