"""The import dialog: pick a CRM export, its format, dry run or not, and watch
the progress bar while a thread worker imports it.

The result (or the list of bad rows) is shown in the dialog as plain text:
file contents are never markup. Dismisses with the ImportResult of the last
real import, or None.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Select, Static

from salessprint.domain.errors import SalesSprintError
from salessprint.services.importing import FORMATS, ImportResult, import_deals
from salessprint.tui.screens.base import BaseModal
from salessprint.tui.service_calls import call_service

FORMAT_LABELS = {
    "maven": "Maven CRM Sales Opportunities",
    "salesforce": "Salesforce Opportunity export",
    "pipedrive": "Pipedrive deals export",
    "hubspot": "HubSpot deals export",
    "csv": "Other CSV (with a mapping file)",
}


class ImportDialog(BaseModal[ImportResult | None]):
    """Import deals from a CRM export into the team."""

    DEFAULT_CSS = """
    ImportDialog {
        align: center middle;
    }
    ImportDialog > Vertical {
        width: 90;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    ImportDialog .title {
        text-style: bold;
        padding-bottom: 1;
    }
    ImportDialog Input, ImportDialog Select {
        margin-bottom: 1;
    }
    ImportDialog #import-progress {
        margin: 1 0;
    }
    ImportDialog #import-result {
        height: auto;
        max-height: 16;
        overflow-y: auto;
        color: $text;
    }
    ImportDialog #import-result.-error {
        color: $error;
    }
    ImportDialog #import-buttons {
        height: auto;
        align-horizontal: right;
    }
    ImportDialog Button {
        margin-left: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_import", "Import", id="import.run", tooltip="Import the file (or dry-run it)"),
        Binding("escape", "close", "Close", id="import.close", tooltip="Close the import dialog"),
    ]

    def __init__(self, path: str = "", fmt: str = "maven") -> None:
        super().__init__()
        self._path = path
        self._format = fmt if fmt in FORMATS else "maven"
        self.result: ImportResult | None = None
        """The last real (not dry-run) import's result, returned on close."""
        self.running = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Import deals from a CRM export", classes="title")
            yield Input(self._path, placeholder="Path to the CSV file", id="import-path")
            yield Select(
                [(FORMAT_LABELS[f], f) for f in FORMATS], value=self._format, allow_blank=False, id="import-format"
            )
            yield Input(placeholder="Mapping file (TOML), for 'Other CSV' only", id="import-mapping")
            yield Checkbox("Dry run: show what would change, change nothing", id="import-dry-run")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            yield Static("", id="import-result", markup=False)
            with Horizontal(id="import-buttons"):
                yield Button("Import", variant="primary", id="import-start", tooltip="Import the file (ctrl+r)")
                yield Button("Close", id="import-cancel", tooltip="Close (escape)")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "import-start":
            self.action_run_import()
        else:
            self.action_close()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run_import()

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.result)

    def action_run_import(self) -> None:
        if self.running:
            return
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self._show("Give the path of the file to import.", error=True)
            return
        fmt = str(self.query_one("#import-format", Select).value)
        mapping = self.query_one("#import-mapping", Input).value.strip() or None
        dry_run = self.query_one("#import-dry-run", Checkbox).value
        self.running = True
        self.query_one("#import-start", Button).disabled = True
        self.query_one("#import-progress", ProgressBar).update(total=None, progress=0)
        self._show("Importing…", error=False)
        app = self.app

        def progress(done: int, total: int) -> None:
            app.call_from_thread(self._progress, done, total)

        call_service(
            app,
            import_deals,
            path,
            fmt,
            mapping=mapping,
            dry_run=dry_run,
            progress=progress,
            done=self._finished,
            failed=self._failed,
            group="import",
        )

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _finished(self, result: ImportResult) -> None:
        self.running = False
        self.query_one("#import-start", Button).disabled = False
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=max(bar.total or 1, 1), progress=bar.total or 1)
        verb = "Would import" if result.dry_run else "Imported"
        lines = [
            f"{verb} {result.file} into '{result.team}': {result.deals_created} new deals, "
            f"{result.deals_updated} updated, {result.deals_unchanged} unchanged.",
            f"{len(result.members_created)} new members, {result.accounts_created} new accounts, "
            f"{result.events_created} stage changes ({result.seconds:.1f} s).",
        ]
        if result.stages_created:
            lines.append(f"New stages: {', '.join(result.stages_created)}.")
        lines += [f"Note: {n}" for n in result.notes[:5]]
        if result.dry_run:
            lines.append("Dry run: nothing was changed.")
        else:
            self.result = result
            refresh = getattr(self.app, "refresh_context", None)
            if callable(refresh):
                refresh()
        self._show("\n".join(lines), error=False)

    def _failed(self, exc: SalesSprintError) -> None:
        self.running = False
        self.query_one("#import-start", Button).disabled = False
        self.query_one("#import-progress", ProgressBar).update(total=1, progress=0)
        self._show(exc.message, error=True)

    def _show(self, message: str, *, error: bool) -> None:
        result = self.query_one("#import-result", Static)
        result.update(Text(message))
        result.set_class(error, "-error")
