"""The backlog: open deals and tasks by rank; add, edit, delete, re-rank, pull.

Only one page is on screen (and in memory) at a time; the filter re-queries
after a short pause in typing, in an exclusive worker, so a big store never
blocks the UI.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Input, Label

from salessprint.services.backlog import PAGE_SIZE, BacklogPage, BacklogRow, backlog_page, move_in_backlog
from salessprint.services.deals import delete_deal, get_deal
from salessprint.services.sprints import add_item
from salessprint.services.tasks import delete_task, get_task
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service

FILTER_DELAY = 0.2
"""Seconds of quiet typing before the filter queries the store."""

COLUMNS = (("type", "Type"), ("title", "Title"), ("account", "Account"), ("owner", "Owner"),
           ("stage", "Stage"), ("points", "Pts"), ("value", "Value"), ("sprint", "Sprint"))


def row_cells(row: BacklogRow, currency: str) -> list[Text]:
    """The cells of one backlog line, all plain text (titles are never markup)."""
    kind = "deal" if row.item_type == "deal" else row.kind
    value = Text(f"{currency} {row.value:,.0f}".strip(), justify="right") if row.value is not None else Text("")
    return [
        Text(kind, style="italic" if row.item_type == "task" else "bold"),
        Text(row.title),
        Text(row.account or ""),
        Text(row.owner_name),
        Text(row.stage),
        Text("" if row.points is None else str(row.points), justify="right"),
        value,
        Text(f"S{row.sprint_number}" if row.sprint_number else ""),
    ]


def mine_else_team(store: Any, login: str, *, mine: bool, text: str, **kwargs: Any) -> BacklogPage:
    """The first page: mine, or the team's when I have nothing of my own."""
    page = backlog_page(store, login, mine=mine, text=text, **kwargs)
    if mine and not text and page.total == 0:
        kwargs.pop("known_total", None)
        return backlog_page(store, login, mine=False, text=text, **kwargs)
    return page


class BacklogScreen(BaseScreen):
    """Deals and tasks ranked; mine or the team's; filter as you type."""

    TITLE_TEXT = "Backlog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "toggle_scope", "Mine/team", id="backlog.scope",
                tooltip="Switch between my items and the whole team's"),
        Binding("slash", "filter", "Filter", id="backlog.filter",
                tooltip="Narrow the list by title, account, owner, stage or kind"),
        Binding("n", "new_deal", "New deal", id="backlog.new_deal", tooltip="Add a deal"),
        Binding("t", "new_task", "New task", id="backlog.new_task", tooltip="Add a task"),
        Binding("e", "edit", "Edit", id="backlog.edit", tooltip="Edit the selected item"),
        Binding("delete,x", "delete", "Delete", id="backlog.delete", tooltip="Delete the selected item"),
        Binding("shift+up,K", "rank(-1)", "Rank up", id="backlog.rank_up",
                tooltip="Move the selected item one place up"),
        Binding("shift+down,J", "rank(1)", "Rank down", id="backlog.rank_down",
                tooltip="Move the selected item one place down"),
        Binding("p", "pull", "Pull into sprint", id="backlog.pull",
                tooltip="Put the selected item into the planned (else active) sprint"),
        Binding("right_square_bracket", "page(1)", "Next page", id="backlog.next_page", show=False,
                tooltip="Show the next page of the backlog"),
        Binding("left_square_bracket", "page(-1)", "Previous page", id="backlog.prev_page", show=False,
                tooltip="Show the previous page of the backlog"),
        Binding("r", "reload", "Refresh", id="backlog.refresh", show=False, tooltip="Reload from the store"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = True
        self.text = ""
        self.page_offset = 0
        self.page: BacklogPage | None = None
        self._debounce: Timer | None = None
        self._keep_cursor: tuple[str, int] | None = None
        self._rows_cache: list[BacklogRow] = []
        self._first_answer = True
        """A member with nothing of their own (a manager, say) first sees the team's."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Input(placeholder="Filter: title, account, owner, stage or kind (enter keeps, escape clears)",
                    id="backlog-filter")
        yield Label("", id="backlog-scope", classes="screen-status")
        yield DataTable(id="backlog-table", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.query_one("#backlog-filter", Input).display = False
        table.focus()

    # --- loading -----------------------------------------------------------------
    def reload(self, *, paging: bool = False) -> None:
        """Fetch the visible page; when only paging, the known total skips the COUNT."""
        known = self.page.total if paging and self.page is not None else None
        fetch = mine_else_team if self._first_answer else backlog_page
        call_service(self.app, fetch, mine=self.mine, text=self.text, offset=self.page_offset,
                     known_total=known, done=self.show_page, group="backlog")

    def action_reload(self) -> None:
        self.reload()

    def show_page(self, page: BacklogPage) -> None:
        if self._first_answer and self.mine and not page.mine and not self.text:
            self.mine = False
            self.notify("You have no open items of your own, so this shows the whole team's (a switches).",
                        markup=False)
        if (page.mine, page.text) != (self.mine, self.text):
            return  # an answer to a filter the user has already typed past
        self._first_answer = False
        self.page = page
        self.page_offset = page.offset
        app: Any = self.app
        currency = app.team.currency if app.team else ""
        table = self.query_one(DataTable)
        old_row = table.cursor_row
        keep = self._keep_cursor
        if keep is None and table.row_count and 0 <= old_row < len(self._rows_cache):
            row = self._rows_cache[old_row]
            keep = (row.item_type, row.id)
        table.clear()
        for row in page.rows:
            table.add_row(*row_cells(row, currency), key=f"{row.item_type}-{row.id}")
        self._rows_cache = list(page.rows)
        target = min(old_row, len(page.rows) - 1)
        if keep is not None:
            for i, row in enumerate(page.rows):
                if (row.item_type, row.id) == keep:
                    target = i
                    break
        self._keep_cursor = None
        if page.rows:
            table.move_cursor(row=max(0, target))
        self.update_status()

    def update_status(self) -> None:
        page = self.page
        status = Text()
        status.append("My items" if self.mine else "Whole team", style="bold")
        status.append("  (a: switch)  ")
        if self.text:
            status.append("filter: ")
            status.append(self.text, style="italic")
            status.append("  ")
        if page is not None:
            if page.total:
                status.append(f"{page.offset + 1:,}–{page.offset + len(page.rows):,} of {page.total:,}")
                if page.total > PAGE_SIZE:
                    status.append("  ([ ] pages)")
            else:
                status.append("Nothing here" + (" matches the filter." if self.text else " yet: n adds a deal, t a task."))
            if page.sprint is not None:
                status.append(f"   p pulls into sprint {page.sprint.number} ({page.sprint.state})")
        self.query_one("#backlog-scope", Label).update(status)

    def selected(self) -> BacklogRow | None:
        table = self.query_one(DataTable)
        if not self._rows_cache or not 0 <= table.cursor_row < len(self._rows_cache):
            return None
        return self._rows_cache[table.cursor_row]

    # --- scope, filter, pages --------------------------------------------------
    def action_toggle_scope(self) -> None:
        self.mine = not self.mine
        self.page_offset = 0
        self.update_status()
        self.reload()

    def action_filter(self) -> None:
        box = self.query_one("#backlog-filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "backlog-filter":
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(FILTER_DELAY, lambda: self._apply_filter(event.value))

    def _apply_filter(self, value: str) -> None:
        self.text = value
        self.page_offset = 0
        self.update_status()
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "backlog-filter":
            if self._debounce is not None:
                self._debounce.stop()
            self._apply_filter(event.value)
            if not event.value:
                event.input.display = False
            self.query_one(DataTable).focus()

    def key_escape(self) -> None:
        box = self.query_one("#backlog-filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            if self._debounce is not None:
                self._debounce.stop()
            self._apply_filter("")
            self.query_one(DataTable).focus()

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        new = self.page_offset + step * PAGE_SIZE
        if new < 0 or new >= self.page.total:
            return
        self.page_offset = new
        self.reload(paging=True)

    # --- writes -------------------------------------------------------------------
    def _changed(self, note: str | None = None, keep: tuple[str, int] | None = None) -> None:
        if note:
            self.notify(note, markup=False)
        self._keep_cursor = keep
        self.reload()
        app: Any = self.app
        app.refresh_context()

    def action_new_deal(self) -> None:
        from salessprint.tui.modals.deal_form import DealForm

        app: Any = self.app
        stages = app.team.stages if app.team else []
        self.app.push_screen(DealForm(None, stages), self._form_closed)

    def action_new_task(self) -> None:
        from salessprint.tui.modals.task_form import TaskForm

        self.app.push_screen(TaskForm(None), self._form_closed)

    def _form_closed(self, result: Any) -> None:
        if result is None:
            return
        kind = "deal" if hasattr(result, "stage") else "task"
        self._changed(f"Saved {kind} #{result.id}: {result.title}", keep=(kind, result.id))

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        from salessprint.tui.modals.deal_form import DealForm
        from salessprint.tui.modals.task_form import TaskForm

        if row.item_type == "deal":
            call_service(self.app, get_deal, row.id,
                         done=lambda deal: self.app.push_screen(DealForm(deal), self._form_closed))
        else:
            call_service(self.app, get_task, row.id,
                         done=lambda task: self.app.push_screen(TaskForm(task), self._form_closed))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return
        from salessprint.tui.modals.confirm import ConfirmModal

        question = Text(f"Delete {row.item_type} #{row.id} ")
        question.append(row.title, style="bold")
        question.append("? Its sprint cards go with it.")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            fn = delete_deal if row.item_type == "deal" else delete_task
            call_service(self.app, fn, row.id, expected_version=row.version,
                         done=lambda _: self._changed(f"Deleted {row.item_type} #{row.id}."),
                         failed=lambda _exc: self.reload())

        self.app.push_screen(ConfirmModal(question, yes="Delete", no="Keep"), answered)

    def action_rank(self, direction: int) -> None:
        row = self.selected()
        if row is None:
            return
        call_service(self.app, move_in_backlog, row.item_type, row.id, direction, mine=self.mine,
                     text=self.text, expected_version=row.version,
                     done=lambda _rank: self._changed(keep=(row.item_type, row.id)),
                     failed=lambda _exc: self.reload(), group="backlog-write")

    def action_pull(self) -> None:
        row = self.selected()
        if row is None:
            return
        call_service(self.app, add_item, row.item_type, row.id,
                     done=lambda item: self._changed(
                         f"Pulled into sprint {item.sprint_number}: {item.title}", keep=(row.item_type, row.id)),
                     group="backlog-write")
