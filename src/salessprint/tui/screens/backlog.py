"""The backlog: open deals and tasks by rank; add, edit, delete, re-rank, pull.

The table holds a few windows of the list, never all of it: the first window
comes with the count, the next one (keyset: after the last row held) when the
cursor nears the end, the previous one when it nears the top, and the window
furthest away is dropped. The filter queries on every keystroke, in an
exclusive worker whose stale answers are dropped, so a big store never
blocks the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Label

from salessprint.domain.enums import ItemType
from salessprint.domain.values import DealView, TaskView
from salessprint.services.archive import preview_delete
from salessprint.services.backlog import (
    BacklogKey,
    BacklogPage,
    BacklogRow,
    backlog_page,
    learn_filter,
    move_in_backlog,
)
from salessprint.services.deals import delete_deal, get_deal
from salessprint.services.sprints import add_item
from salessprint.services.tasks import delete_task, get_task
from salessprint.tui.guards import Owned
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.row_table import Column, RowTable

if TYPE_CHECKING:
    from salessprint.store.db import Store

WINDOW = 50
"""Rows fetched at a time: a screenful (a 48-line terminal shows about 40) and some."""
MAX_WINDOWS = 3
"""Windows the table holds at most while scrolling (the far one is dropped)."""
PREFETCH_ROWS = 10
"""The next window is fetched when the cursor comes this close to the last row
held (a fifth of a window at most)."""

COLUMNS = (
    Column("Type", 9),
    Column("Title", min_width=24),
    Column("Account", 22),
    Column("Owner", 16),
    Column("Stage", 12),
    Column("Pts", 3, "right"),
    Column("Value", 13, "right"),
    Column("Sprint", 6),
)


class FilterInput(Input):
    """The filter box: an `Input` whose typing does not lay the screen out again.

    `Input` sets its `virtual_size` to the text's width on every keystroke,
    and `Widget.virtual_size` asks for a layout when it changes: the whole
    screen was laid out and drawn again for each letter typed in the filter
    (a reflow and a full compositor pass, most of the UI thread's work per
    keystroke on the backlog). Its size here is fixed by the stylesheet (one
    line, the screen's width), so a repaint of the box is all a change needs;
    its horizontal scroll reads `virtual_size` as it is drawn."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), repaint=True)


def row_cells(row: BacklogRow, currency: str) -> list[Text]:
    """The cells of one backlog line, all plain text (titles are never markup)."""
    kind = ItemType.DEAL if row.item_type == ItemType.DEAL else row.kind
    value = Text(f"{currency} {row.value:,.0f}".strip(), justify="right") if row.value is not None else Text("")
    return [
        Text(kind, style="italic" if row.item_type == ItemType.TASK else "bold"),
        Text(row.title),
        Text(row.account or ""),
        Text(row.owner_name),
        Text(row.stage),
        Text("" if row.points is None else str(row.points), justify="right"),
        value,
        Text(f"S{row.sprint_number}" if row.sprint_number else ""),
    ]


def mine_else_team(store: Store, login: str, *, mine: bool, text: str, limit: int) -> BacklogPage:
    """The first page: mine, or the team's when I have nothing of my own."""
    page = backlog_page(store, login, mine=mine, text=text, limit=limit)
    if mine and not text and page.total == 0:
        return backlog_page(store, login, mine=False, text=text, limit=limit)
    return page


class BacklogScreen(BaseScreen):
    """Deals and tasks ranked; mine or the team's; filter as you type."""

    TITLE_TEXT = "Backlog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a", "toggle_scope", "Mine/team", id="backlog.scope", tooltip="Switch between my items and the whole team's"
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="backlog.filter",
            tooltip="Narrow the list by title, account, owner, stage or kind",
        ),
        Binding("n", "new_deal", "New deal", id="backlog.new_deal", tooltip="Add a deal"),
        Binding("t", "new_task", "New task", id="backlog.new_task", tooltip="Add a task"),
        Binding("e", "edit", "Edit", id="backlog.edit", tooltip="Edit the selected item"),
        Binding("delete,x", "delete", "Delete", id="backlog.delete", tooltip="Delete the selected item"),
        Binding(
            "shift+up,K", "rank(-1)", "Rank up", id="backlog.rank_up", tooltip="Move the selected item one place up"
        ),
        Binding(
            "shift+down,J",
            "rank(1)",
            "Rank down",
            id="backlog.rank_down",
            tooltip="Move the selected item one place down",
        ),
        Binding(
            "p",
            "pull",
            "Pull into sprint",
            id="backlog.pull",
            tooltip="Put the selected item into the planned (else active) sprint",
        ),
        Binding(
            "right_square_bracket",
            "page(1)",
            "Next page",
            id="backlog.next_page",
            show=False,
            tooltip="Show the next page of the backlog",
        ),
        Binding(
            "left_square_bracket",
            "page(-1)",
            "Previous page",
            id="backlog.prev_page",
            show=False,
            tooltip="Show the previous page of the backlog",
        ),
        Binding("r", "reload", "Refresh", id="backlog.refresh", show=False, tooltip="Reload from the store"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mine = True
        self.text = ""
        self.page: BacklogPage | None = None
        """The window fetched last (its total and sprint are the list's)."""
        self.windows: list[BacklogPage] = []
        """What the table holds: consecutive windows of the list, at most MAX_WINDOWS."""
        self._generation = 0
        """Bumped when the list starts again (filter, scope, reload): older answers are dropped."""
        self._fetching = False
        """A scroll fetch is under way (one at a time)."""
        self._last_cursor = 0
        """The cursor row last seen, to tell scrolling down from scrolling up."""
        self._keep_cursor: tuple[str, int] | None = None
        self._rows_cache: list[BacklogRow] = []
        self._first_answer = True
        """A member with nothing of their own (a manager, say) first sees the team's."""
        self._status_width = 0
        """Cells of the status line shown last (it is re-laid-out only when it wraps)."""
        self._learned = False
        """The filter's statements and trigram letters were asked for (`learn_filter`, once)."""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield FilterInput(
            placeholder="Filter: title, account, owner, stage or kind (enter keeps, escape clears)", id="backlog-filter"
        )
        yield Label("", id="backlog-scope", classes="screen-status")
        yield RowTable(COLUMNS, id="backlog-table")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#backlog-filter", Input).display = False
        table = self.query_one(RowTable)
        # The scrollbar always there: a filter that shortens the list past the
        # screen's height keeps the table's width, so the screen is not laid
        # out and drawn again whole (an inline style: no stylesheet to re-parse).
        table.styles.overflow_y = "scroll"
        table.focus()

    # --- loading -----------------------------------------------------------------
    def _fetch(
        self,
        done: Callable[[BacklogPage], None],
        *,
        first_answer_rule: bool = False,
        offset: int = 0,
        known_total: int | None = None,
        after: BacklogKey | None = None,
        start: BacklogKey | None = None,
        before: BacklogKey | None = None,
    ) -> None:
        """Ask for one window; answers to an older list (filter, scope, reload) are dropped.
        The first window of a list follows the first-answer rule (mine, else the team's)."""
        generation = self._generation

        def answer(page: BacklogPage) -> None:
            if generation == self._generation:
                done(page)

        if first_answer_rule:
            call_service(
                self.app, mine_else_team, mine=self.mine, text=self.text, limit=WINDOW, done=answer, group="backlog"
            )
            return
        call_service(
            self.app,
            backlog_page,
            mine=self.mine,
            text=self.text,
            limit=WINDOW,
            offset=offset,
            known_total=known_total,
            after=after,
            start=start,
            before=before,
            done=answer,
            group="backlog",
        )

    def _known_total(self) -> int | None:
        """The count of the list on screen (None when capped: then it is counted again, cheaply)."""
        page = self.page
        return page.total if page is not None and not page.total_capped else None

    def load_top(self) -> None:
        """The first window of a new list (filter or scope changed): replaces what is held."""
        self._generation += 1
        self._fetching = False
        self._fetch(lambda page: self.show_windows([page], page), first_answer_rule=self._first_answer)

    def reload(self) -> None:
        """The window under the cursor again (after a write or a change elsewhere),
        from the same place; the cursor stays on the same item."""
        if not self.windows or self._first_answer:
            self.load_top()
            return
        index = self._window_index(self.query_one(RowTable).cursor_row)
        window = self.windows[index]
        self._generation += 1
        self._fetching = False
        if window.offset == 0 or not window.rows:
            self._fetch(lambda page: self.show_windows([page], page))
        else:
            self._fetch(lambda page: self.show_windows([page], page), start=window.rows[0].key, offset=window.offset)

    def action_reload(self) -> None:
        self.reload()

    def _window_index(self, row: int) -> int:
        for i, window in enumerate(self.windows):
            if row < len(window.rows):
                return i
            row -= len(window.rows)
        return max(0, len(self.windows) - 1)

    def fetch_next(self, *, replace: bool = False) -> None:
        """The window after the last row held: appended (scrolling) or instead (`]`)."""
        if not self.windows or not self.windows[-1].more_after or self._fetching:
            return
        last = self.windows[-1]
        self._fetching = True

        def got(page: BacklogPage) -> None:
            self._fetching = False
            if page.rows:
                self.show_windows([page] if replace else [*self.windows, page], page, cursor_on=0 if replace else None)

        self._fetch(got, after=last.rows[-1].key, offset=last.offset + len(last.rows), known_total=self._known_total())

    def fetch_previous(self, *, replace: bool = False) -> None:
        """The window before the first row held: prepended (scrolling) or instead (`[`)."""
        if not self.windows or not self.windows[0].more_before or self._fetching:
            return
        first = self.windows[0]
        self._fetching = True

        def got(page: BacklogPage) -> None:
            self._fetching = False
            if page.rows:
                # The offset asked for is a guess; the rows found say where the window starts.
                page = page.model_copy(update={"offset": max(0, first.offset - len(page.rows))})
                self.show_windows([page] if replace else [page, *self.windows], page, cursor_on=0 if replace else None)

        self._fetch(
            got, before=first.rows[0].key, offset=max(0, first.offset - WINDOW), known_total=self._known_total()
        )

    def show_windows(self, windows: list[BacklogPage], newest: BacklogPage, cursor_on: int | None = None) -> None:
        """Put these windows (at most MAX_WINDOWS: the end away from `newest`, the
        one just fetched, is dropped) in the table, keeping the cursor on the same item."""
        if self._first_answer and self.mine and not newest.mine and not self.text:
            self.mine = False
            self.notify(
                "You have no open items of your own, so this shows the whole team's (a switches).", markup=False
            )
        if (newest.mine, newest.text) != (self.mine, self.text):
            return  # an answer to a filter the user has already typed past
        self._first_answer = False
        table = self.query_one(RowTable)
        old_row = table.cursor_row
        keep = self._keep_cursor
        if keep is None and table.row_count and 0 <= old_row < len(self._rows_cache):
            row = self._rows_cache[old_row]
            keep = (row.item_type, row.id)
        appended = (
            len(windows) == len(self.windows) + 1
            and newest is windows[-1]
            and all(a is b for a, b in zip(windows, self.windows, strict=False))
        )
        while len(windows) > MAX_WINDOWS:
            windows = windows[1:] if newest is windows[-1] else windows[:-1]
            appended = False
        self.windows = list(windows)
        self.page = newest
        rows = [row for window in windows for row in window.rows]
        app = self.app
        currency = app.team.currency if app.team else ""
        target = min(old_row, len(rows) - 1) if cursor_on is None else cursor_on
        if keep is not None and cursor_on is None:
            for i, row in enumerate(rows):
                if (row.item_type, row.id) == keep:
                    target = i
                    break
        self._keep_cursor = None
        # Programmatic cursor moves are not the user scrolling: no fetch for them.
        with self.prevent(RowTable.RowHighlighted):
            if appended and table.row_count == len(self._rows_cache):
                # Scrolling on: add below, nothing above moves.
                table.append_rows([row_cells(row, currency) for row in newest.rows])
            else:
                table.set_rows([row_cells(row, currency) for row in rows])
            self._rows_cache = rows
            if rows and (target != table.cursor_row or not appended):
                table.move_cursor(row=max(0, target))
        self._last_cursor = max(0, target) if rows else 0
        self.update_status()

    @property
    def held_offset(self) -> int:
        """Position in the whole list of the first row held."""
        return self.windows[0].offset if self.windows else 0

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
            if self._rows_cache:
                first = self.held_offset
                # A capped total is as far as the list has been read: at least the rows held.
                total = (
                    f"{max(page.total, first + len(self._rows_cache)):,}+" if page.total_capped else f"{page.total:,}"
                )
                status.append(f"{first + 1:,}–{first + len(self._rows_cache):,} of {total}")
                if self.windows[0].more_before or self.windows[-1].more_after:
                    status.append("  (scroll for more; [ ] windows)")
            else:
                status.append(
                    "Nothing here" + (" matches the filter." if self.text else " yet: n adds a deal, t a task.")
                )
            if page.sprint is not None:
                status.append(f"   p pulls into sprint {page.sprint.number} ({page.sprint.state})")
        label = self.query_one("#backlog-scope", Label)
        # A line that stays one line keeps its size: no relayout of the screen (issue 16).
        width = label.content_region.width
        one_line = 0 < status.cell_len <= width and self._status_width <= width
        self._status_width = status.cell_len
        label.update(status, layout=not one_line)

    def on_row_table_row_highlighted(self, event: RowTable.RowHighlighted) -> None:
        """Near either end of what is held, fetch the next window that way."""
        moved, self._last_cursor = event.cursor_row - self._last_cursor, event.cursor_row
        margin = max(1, min(PREFETCH_ROWS, WINDOW // 5))
        if moved > 0 and event.cursor_row >= len(self._rows_cache) - margin:
            self.fetch_next()
        elif moved < 0 and event.cursor_row < margin:
            self.fetch_previous()

    def selected(self) -> BacklogRow | None:
        table = self.query_one(RowTable)
        if not self._rows_cache or not 0 <= table.cursor_row < len(self._rows_cache):
            return None
        return self._rows_cache[table.cursor_row]

    def selected_owner(self) -> Owned | None:
        """Whose the selected item is (checked before edit, delete, re-rank, pull: `tui.guards`)."""
        row = self.selected()
        return None if row is None else Owned.of(row.item_type, row.owner, row.owner_name, row.id)

    # --- scope, filter, pages --------------------------------------------------
    def action_toggle_scope(self) -> None:
        self.mine = not self.mine
        self.update_status()
        self.load_top()

    def action_filter(self) -> None:
        box = self.query_one("#backlog-filter", Input)
        box.display = True
        box.focus()
        if not self._learned:
            # Got ready when the box first opens, not with the first window: a
            # list looked at and not filtered never pays for it (a seventh of
            # the backlog's first open), and the first letters are typed
            # after the box is seen.
            self._learned = True
            call_service(self.app, learn_filter, mine=self.mine, group="backlog-learn")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "backlog-filter" or event.value == self.text:
            return
        # No debounce: a filtered window costs a few milliseconds, and a newer
        # keystroke drops the older query's answer (exclusive worker group, generation check).
        self._apply_filter(event.value)

    def _apply_filter(self, value: str) -> None:
        # The status line follows with the answer: one repaint per keystroke, not two.
        self.text = value
        self.load_top()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "backlog-filter":
            if event.value != self.text:
                self._apply_filter(event.value)
            if not event.value:
                event.input.display = False
            self.query_one(RowTable).focus()

    def key_escape(self) -> None:
        box = self.query_one("#backlog-filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self._apply_filter("")
            self.query_one(RowTable).focus()

    def action_page(self, step: int) -> None:
        """`]` / `[`: the next or previous window instead of what is held."""
        if step > 0:
            self.fetch_next(replace=True)
        else:
            self.fetch_previous(replace=True)

    # --- writes -------------------------------------------------------------------
    def _changed(self, note: str | None = None, keep: tuple[str, int] | None = None) -> None:
        if note:
            self.notify(note, markup=False)
        self._keep_cursor = keep
        self.reload()
        app = self.app
        app.refresh_context()

    def action_new_deal(self) -> None:
        from salessprint.tui.modals.deal_form import DealForm

        app = self.app
        stages = app.team.stages if app.team else []
        self.app.push_screen(DealForm(None, stages), self._form_closed)

    def action_new_task(self) -> None:
        from salessprint.tui.modals.task_form import TaskForm

        self.app.push_screen(TaskForm(None), self._form_closed)

    def _form_closed(self, result: DealView | TaskView | None) -> None:
        if result is None:
            return
        kind = ItemType.DEAL if isinstance(result, DealView) else ItemType.TASK
        self._changed(f"Saved {kind} #{result.id}: {result.title}", keep=(kind, result.id))

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            return
        from salessprint.tui.modals.deal_form import DealForm
        from salessprint.tui.modals.task_form import TaskForm

        # The form opens when the store answers: keys typed meanwhile are for it.
        if row.item_type == ItemType.DEAL:
            reading = call_service(
                self.app, get_deal, row.id, done=lambda deal: self.app.push_screen(DealForm(deal), self._form_closed)
            )
        else:
            reading = call_service(
                self.app, get_task, row.id, done=lambda task: self.app.push_screen(TaskForm(task), self._form_closed)
            )
        hold_keys(self.app, reading)

    def on_row_table_row_selected(self, event: RowTable.RowSelected) -> None:
        """Enter: a deal opens its deal room, a task its form."""
        event.stop()
        row = self.selected()
        if row is not None and row.item_type == ItemType.DEAL:
            from salessprint.tui.screens.deal_room import DealRoomScreen

            self.app.push_screen(DealRoomScreen(row.id))
        else:
            self.action_edit()

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return
        from salessprint.tui.modals.confirm import ConfirmModal

        def ask(archived: str | None) -> None:
            question = Text(f"Delete {row.item_type} #{row.id} ")
            question.append(row.title, style="bold")
            if archived is None:
                question.append("? Its sprint cards go with it.")
            else:
                question.append(f"? It is archived with {archived}; ctrl+z brings it all back.")
            self.app.push_screen(ConfirmModal(question, yes="Delete", no="Keep"), answered)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            fn = delete_deal if row.item_type == ItemType.DEAL else delete_task
            done = (
                f"Archived {row.item_type} #{row.id}." if row.item_type == ItemType.DEAL else f"Deleted task #{row.id}."
            )
            call_service(
                self.app,
                fn,
                row.id,
                expected_version=row.version,
                done=lambda _: self._changed(done),
                failed=lambda _exc: self.reload(),
            )

        if row.item_type == ItemType.DEAL:
            # the next key (y/n) is the dialog's: it waits for the read that opens it
            hold_keys(self.app, call_service(self.app, preview_delete, row.id, done=lambda found: ask(found.summary)))
        else:
            ask(None)

    def action_rank(self, direction: int) -> None:
        row = self.selected()
        if row is None:
            return
        call_service(
            self.app,
            move_in_backlog,
            row.item_type,
            row.id,
            direction,
            mine=self.mine,
            text=self.text,
            expected_version=row.version,
            done=lambda _rank: self._changed(keep=(row.item_type, row.id)),
            failed=lambda _exc: self.reload(),
            group="backlog-write",
        )

    def action_pull(self) -> None:
        row = self.selected()
        if row is None:
            return
        call_service(
            self.app,
            add_item,
            row.item_type,
            row.id,
            done=lambda item: self._changed(
                f"Pulled into sprint {item.sprint_number}: {item.title}", keep=(row.item_type, row.id)
            ),
            group="backlog-write",
        )
