"""The deal room: one deal's detail, opened with Enter on a deal (backlog, pipeline).

Shows value, stage and probability, expected close and how often it moved,
owner and collaborators, next step; the deal's timeline (edits, stage moves,
notes, activities; newest first) and its tasks. Keys log an activity on the
deal, add a note, add or remove a collaborator, set the next step, edit,
move the stage, win or lose, and open the account (its deals and notes).
Everyone on the team may read every deal room; a write the user may not make
is refused by the service with the reason.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, Static

from salessprint.domain.enums import StageKind
from salessprint.domain.errors import SalesSprintError
from salessprint.domain.values import ActivityView, DealView
from salessprint.services.deal_room import AccountView, DealRoom, account_view, deal_room
from salessprint.services.deals import add_collaborator, move_deal, remove_collaborator, update_deal
from salessprint.services.notes import add_note
from salessprint.tui.guards import Owned
from salessprint.tui.keys import hold_keys
from salessprint.tui.screens.base import BaseScreen
from salessprint.tui.service_calls import call_service
from salessprint.tui.widgets.row_table import Column, RowTable
from salessprint.tui.widgets.safe_text import shown


def _money(currency: str, amount: object) -> str:
    return f"{currency} {amount:,.2f}"


TASK_TITLE_CELLS = 30
"""A task's title in the deal room's task list is cut here (with "…")."""
TIMELINE_COLUMNS = (Column("When", 16), Column("Who", 16), Column("What", None, min_width=20))
TASK_COLUMNS = (Column("Task", TASK_TITLE_CELLS), Column("Status", 6), Column("Due", 11))
"""The room's lists are `RowTable`s: fixed columns, only the rows on screen drawn
(a `DataTable` measured every cell of a long timeline on the first open)."""


class DealRoomScreen(BaseScreen):
    TITLE_TEXT = "Deal room"
    DEFAULT_CSS = """
    DealRoomScreen #room-head { height: auto; padding: 0 1; }
    DealRoomScreen #room-title { text-style: bold; }
    DealRoomScreen #room-body { height: 1fr; }
    DealRoomScreen #room-timeline-box { width: 3fr; }
    DealRoomScreen #room-tasks-box { width: 2fr; }
    DealRoomScreen .room-section { text-style: bold; padding: 0 1; color: $text-muted; }
    DealRoomScreen RowTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="room.back", tooltip="Back to where you came from"),
        Binding("l", "log", "Log activity", id="room.log", tooltip="Log a call, meeting… on this deal"),
        Binding("n", "note", "Note", id="room.note", tooltip="Add a note (meeting notes, market intelligence)"),
        Binding("s", "next_step", "Next step", id="room.next_step", tooltip="Set or clear the next step"),
        Binding("c", "collaborator(True)", "Add collaborator", id="room.collab_add", tooltip="Add a collaborator"),
        Binding(
            "C", "collaborator(False)", "Remove collaborator", id="room.collab_remove", tooltip="Remove one", show=False
        ),
        Binding("e", "edit", "Edit", id="room.edit", tooltip="Edit the deal"),
        Binding("m", "move", "Move stage", id="room.move", tooltip="Move the deal to another stage"),
        Binding("w", "won", "Won", id="room.won", tooltip="Mark the deal won"),
        Binding("x", "lost", "Lost", id="room.lost", tooltip="Mark the deal lost (with a reason)"),
        Binding("a", "account", "Account", id="room.account", tooltip="The account's deals and notes"),
    ]

    def __init__(self, deal_id: int) -> None:
        super().__init__()
        self.deal_id = deal_id
        self.room: DealRoom | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="room-head"):
            yield Label(f"Deal #{self.deal_id}", id="room-title")
            yield Static("Loading…", id="room-facts")
        with Horizontal(id="room-body"):
            with Vertical(id="room-timeline-box"):
                yield Label("Timeline, newest first", classes="room-section")
                yield RowTable(TIMELINE_COLUMNS, id="room-timeline")
            with Vertical(id="room-tasks-box"):
                yield Label("Tasks", classes="room-section")
                yield RowTable(TASK_COLUMNS, id="room-tasks")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#room-timeline", RowTable).focus()

    def reload(self) -> None:
        work = call_service(
            self.app, deal_room, self.deal_id, done=self._show, failed=self._not_found, group="deal-room"
        )
        if self.room is None:
            hold_keys(self.app, work)  # keys typed as the room opens act on it once it has loaded

    # -- drawing ----------------------------------------------------------
    def _show(self, room: DealRoom) -> None:
        self.room = room
        deal = room.deal
        currency = self.app.team.currency if self.app.team else ""
        title = Text(f"Deal #{deal.id}  ")
        title.append(deal.title, style="bold")
        title.append(f"  ·  {deal.account}", style="dim")
        self.query_one("#room-title", Label).update(shown(title))
        money_line = Text(f"{_money(currency, deal.value)}  ·  {deal.stage} ({deal.probability} %)")
        if deal.forecast_category:
            category = deal.forecast_category.replace("_", " ")
            money_line.append(f"  ·  forecast: {category}{'' if deal.forecast_category_set else ' (from its stage)'}")
        close = deal.expected_close.isoformat() if deal.expected_close else "not set"
        money_line.append(f"  ·  expected close {close}")
        if room.close_moves:
            times = "once" if room.close_moves == 1 else f"{room.close_moves} times"
            pushed = f", {deal.close_pushes} of them later" if deal.close_pushes else ""
            flag = "  ⚑ pushed 3+ times" if deal.pushed_flag else ""
            money_line.append(f" (moved {times}{pushed}){flag}", style="bold" if deal.pushed_flag else "")
        people = Text(f"Owner {deal.owner_name} ({deal.owner})")
        people.append("  ·  collaborators: " + (", ".join(deal.collaborators) if deal.collaborators else "none"))
        step = Text("Next step: ")
        step.append(deal.next_step or "none (s sets one)", style="" if deal.next_step else "italic")
        lines = [money_line, people, step]
        if deal.lost_reason:
            lines.append(Text(f"Lost: {deal.lost_reason}"))
        # Each line made safe on its own: a stored newline must not break the layout either.
        self.query_one("#room-facts", Static).update(Text("\n").join(shown(line) for line in lines))
        tz = self.app.team.timezone if self.app.team else "UTC"
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(tz)
        rows = [
            (
                Text(entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")),
                Text(entry.name or "someone"),
                Text(entry.text),
            )
            for entry in room.timeline
        ]  # user text is drawn as typed by RowTable (never as markup, control characters as symbols)
        if not rows:
            rows = [(Text(""), Text(""), Text("Nothing yet: l logs an activity, n adds a note.", style="dim"))]
        self.query_one("#room-timeline", RowTable).set_rows(rows)
        tasks = [
            (Text(task.title), Text(task.status), Text(f"{task.due_on:%d %b %Y}" if task.due_on else ""))
            for task in room.tasks
        ]  # a long title is cut at its column (with "…"), so the due date stays in view
        if not tasks:
            tasks = [(Text("No tasks on this deal.", style="dim"), Text(""), Text(""))]
        self.query_one("#room-tasks", RowTable).set_rows(tasks)

    def _not_found(self, exc: SalesSprintError) -> None:
        """The deal is gone (deleted, or archived): go back (the error is told)."""
        if self.app.screen is self:
            self.app.pop_screen()

    def _changed(self, message: str) -> None:
        self.notify(message, markup=False)
        self.reload()

    def _failed(self, _exc: SalesSprintError) -> None:
        self.reload()  # show the fresh state (a stale write, a refused edit)

    # -- keys ---------------------------------------------------------------
    def selected_owner(self) -> Owned | None:
        """Whose this deal is (checked before an edit of it: `tui.guards`)."""
        deal = self.room.deal if self.room else None
        return None if deal is None else Owned("deal", deal.owner, deal.owner_name, tuple(deal.collaborators), deal.id)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_log(self) -> None:
        if self.room is None:
            return
        from salessprint.tui.modals.log_activity import LogActivityModal

        def logged(view: ActivityView | None) -> None:
            if view is not None:
                outcome = f": {view.outcome}" if view.outcome else ""
                self._changed(f"Logged a {view.kind} on {self.room.deal.title if self.room else 'the deal'}{outcome}.")

        self.app.push_screen(LogActivityModal(self.room.deal), logged)

    def action_note(self) -> None:
        from salessprint.tui.modals.text_prompt import TextPrompt

        def typed(text: str | None) -> None:
            if text:
                call_service(
                    self.app,
                    add_note,
                    text,
                    deal_id=self.deal_id,
                    done=lambda _n: self._changed("Note added."),
                    failed=self._failed,
                    group="room-write",
                )

        self.app.push_screen(TextPrompt("Add a note", placeholder="What did you learn?"), typed)

    def action_next_step(self) -> None:
        if self.room is None:
            return
        from salessprint.tui.modals.text_prompt import TextPrompt

        deal = self.room.deal

        def typed(text: str | None) -> None:
            if text is None:
                return
            call_service(
                self.app,
                update_deal,
                deal.id,
                expected_version=deal.version,
                next_step=text or None,
                done=lambda _d: self._changed("Next step set." if text else "Next step cleared."),
                failed=self._failed,
                group="room-write",
            )

        prompt = TextPrompt("Next step (empty clears it)", value=deal.next_step or "", allow_empty=True, max_length=300)
        self.app.push_screen(prompt, typed)

    def action_collaborator(self, adding: bool) -> None:
        if self.room is None:
            return
        from salessprint.tui.modals.text_prompt import TextPrompt

        deal = self.room.deal
        logins = ", ".join(m.login for m in self.room.members if m.login != deal.owner)
        question = "Add a collaborator (login)" if adding else "Remove a collaborator (login)"
        fn = add_collaborator if adding else remove_collaborator

        def typed(login: str | None) -> None:
            if login:
                call_service(
                    self.app,
                    fn,
                    deal.id,
                    login,
                    done=lambda _d: self._changed(f"{'Added' if adding else 'Removed'} {login}."),
                    failed=self._failed,
                    group="room-write",
                )

        hint = logins if adding else ", ".join(deal.collaborators)
        self.app.push_screen(TextPrompt(question, placeholder=hint, max_length=64), typed)

    def action_edit(self) -> None:
        if self.room is None:
            return
        from salessprint.tui.modals.deal_form import DealForm

        def closed(result: DealView | None) -> None:
            if result is not None:
                self._changed(f"Saved deal #{result.id}.")

        self.app.push_screen(DealForm(self.room.deal, list(self.room.stages)), closed)

    def action_move(self) -> None:
        if self.room is None:
            return
        from salessprint.tui.modals.move_stage import MoveStageModal

        def chosen(stage: str | None) -> None:
            if stage is not None:
                self._move_to(stage)

        self.app.push_screen(MoveStageModal(self.room.deal.title, self.room.deal.stage, self.room.stages), chosen)

    def action_won(self) -> None:
        self._move_to_kind(StageKind.WON)

    def action_lost(self) -> None:
        self._move_to_kind(StageKind.LOST)

    def _move_to_kind(self, kind: StageKind) -> None:
        if self.room is None:
            return
        stage = next((s.name for s in self.room.stages if s.kind == kind), None)
        if stage is not None:
            self._move_to(stage)

    def _move_to(self, stage: str) -> None:
        assert self.room is not None
        deal = self.room.deal
        if stage == deal.stage:
            self.notify(f"Already in {stage}.", severity="warning", markup=False)
            return
        kind = next((s.kind for s in self.room.stages if s.name == stage), StageKind.OPEN)

        def move(reason: str | None) -> None:
            call_service(
                self.app,
                move_deal,
                deal.id,
                stage,
                lost_reason=reason,
                expected_version=deal.version,
                done=lambda view: self._changed(f"Moved to {view.stage}."),
                failed=self._failed,
                group="room-write",
            )

        if kind == StageKind.LOST:
            from salessprint.tui.modals.lost_reason import LostReasonModal

            def with_reason(reason: str | None) -> None:
                if reason is not None:
                    move(reason)

            self.app.push_screen(LostReasonModal(deal.title), with_reason)
            return
        move(None)

    def action_account(self) -> None:
        self.app.push_screen(AccountScreen(self.deal_id))


class AccountScreen(BaseScreen):
    """An account's deals (open first) and its notes: the market intelligence."""

    TITLE_TEXT = "Account"
    DEFAULT_CSS = """
    AccountScreen #account-name { text-style: bold; padding: 0 1; }
    AccountScreen .room-section { text-style: bold; padding: 0 1; color: $text-muted; }
    AccountScreen DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="account.back", tooltip="Back to the deal room"),
        Binding("enter", "open", "Open deal", id="account.open", tooltip="Open the highlighted deal's room"),
    ]

    def __init__(self, deal_id: int) -> None:
        super().__init__()
        self.deal_id = deal_id
        self.view: AccountView | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Label("Loading…", id="account-name")
        yield Label("Deals", classes="room-section")
        yield DataTable(id="account-deals", cursor_type="row")
        yield Label("Notes, newest first", classes="room-section")
        yield DataTable(id="account-notes", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#account-deals", DataTable).add_columns("#", "Deal", "Stage", "Value", "Owner")
        self.query_one("#account-notes", DataTable).add_columns("When", "Who", "Deal", "Note")
        self.query_one("#account-deals", DataTable).focus()

    def reload(self) -> None:
        call_service(self.app, account_view, self.deal_id, done=self._show, group="account")

    def _show(self, view: AccountView) -> None:
        self.view = view
        currency = self.app.team.currency if self.app.team else ""
        self.query_one("#account-name", Label).update(shown(Text(f"Account: {view.name}")))
        deals = self.query_one("#account-deals", DataTable)
        deals.clear()
        for deal in view.deals:
            deals.add_row(
                Text(str(deal.id)),
                shown(Text(deal.title)),
                Text(deal.stage),
                Text(_money(currency, deal.value), justify="right"),
                shown(Text(deal.owner_name)),
                key=str(deal.id),
            )
        notes = self.query_one("#account-notes", DataTable)
        notes.clear()
        for note in view.notes:
            notes.add_row(
                Text(note.at.strftime("%Y-%m-%d")),
                shown(Text(note.author)),
                shown(Text(note.deal_title or "(account)")),
                shown(Text(note.text)),
            )
        if not view.notes:
            notes.add_row(Text(""), Text(""), Text(""), Text("No notes yet: n in a deal room adds one.", style="dim"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "account-deals" and event.row_key.value is not None:
            event.stop()
            self.app.push_screen(DealRoomScreen(int(event.row_key.value)))

    def action_open(self) -> None:
        table = self.query_one("#account-deals", DataTable)
        if self.view and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key is not None:
                self.app.push_screen(DealRoomScreen(int(key)))
