"""Only what you may do: each key's action and the permission it needs.

`GUARDS` maps a binding (by its id, "screen.action") to the permission that
the action's service requires, as named in `domain.permissions`; the rules
themselves (who may) are only there. `BaseScreen.check_action` asks
`role_refusal` whether my role could ever do it: if not, the key is shown
disabled with the reason ("managers only") or, where it would be noise,
hidden. When the rule lets a rep act on what is theirs, `row_refusal` decides
on the selected row (the screen's `selected_owner()` hook) before any form or
confirmation opens. The services' refusal stays the safety net.

Every binding with an id on every screen and dialog is listed here
(tests/tui/test_guards.py fails for one that is not), so a new key is given
its rule when it is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from salessprint.domain.enums import Role
from salessprint.domain.permissions import RULES, Action, allowed

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class Guard:
    """What one key's action needs."""

    needs: Action | None = None
    """The permission its service requires (None: anyone on the team)."""
    task_needs: Action | None = None
    """The permission instead when the selected row is a task (edit a task, not a deal)."""
    hide: bool = False
    """Refused: left out of the footer and the keys (noise), not shown disabled."""
    verb: str = ""
    """What it does to the selected row, `{it}` standing for "this deal" ("move {it}")."""

    def permission(self, kind: str) -> Action | None:
        """The permission for a row of this kind ("deal", "task", ...)."""
        return self.task_needs if kind == "task" and self.task_needs is not None else self.needs


ANYONE = Guard()


@dataclass(frozen=True, slots=True)
class Owned:
    """Whose the selected row is, as a screen's `selected_owner()` tells it."""

    kind: str
    """deal, task, card or entry (a retro entry)."""
    owner: str
    """The owner's (assignee's, author's) login."""
    owner_name: str
    collaborators: tuple[str, ...] | None = ()
    """The deal's collaborators' logins; None when the screen does not know them (read before deciding)."""
    deal_id: int | None = None
    """The deal, when `collaborators` must be read."""

    @classmethod
    def of(cls, item_type: str, owner: str, owner_name: str, item_id: int) -> Owned:
        """A backlog row's or a card's: a deal's collaborators are read when they matter."""
        if item_type == "deal":
            return cls("deal", owner, owner_name, None, item_id)
        return cls("task", owner, owner_name)

    def mine(self, login: str) -> bool:
        return self.owner == login or login in (self.collaborators or ())


def _deal_or_task(verb: str) -> Guard:
    return Guard(Action.EDIT_DEAL, task_needs=Action.EDIT_TASK, verb=verb)


def _deal(verb: str) -> Guard:
    return Guard(Action.EDIT_DEAL, verb=verb)


GUARDS: dict[str, Guard] = {
    # the app, on every screen (its mode keys, "mode.<screen>", are everyone's: see `guard_of`)
    "app.help": ANYONE,
    "app.theme": ANYONE,
    "app.import": Guard(Action.IMPORT, hide=True),
    "app.quit": ANYONE,
    "app.history": Guard(Action.READ_TEAM),
    "app.undo": Guard(Action.UNDO),
    # backlog
    "backlog.scope": ANYONE,
    "backlog.filter": ANYONE,
    "backlog.new_deal": Guard(Action.CREATE_DEAL),
    "backlog.new_task": Guard(Action.CREATE_TASK),
    "backlog.edit": _deal_or_task("edit {it}"),
    "backlog.delete": _deal_or_task("delete {it}"),
    "backlog.rank_up": _deal_or_task("re-rank {it}"),
    "backlog.rank_down": _deal_or_task("re-rank {it}"),
    "backlog.pull": Guard(Action.SPRINT_ITEM, verb="pull {it} into the sprint"),
    "backlog.next_page": ANYONE,
    "backlog.prev_page": ANYONE,
    "backlog.refresh": ANYONE,
    # planning
    "planning.plan": Guard(Action.PLAN_SPRINT),
    "planning.goal": Guard(Action.PLAN_SPRINT),
    "planning.remove": Guard(Action.SPRINT_ITEM, verb="take {it} out of the sprint"),
    "planning.start": Guard(Action.START_SPRINT),
    "planning.close": Guard(Action.CLOSE_SPRINT),
    "planning.refresh": ANYONE,
    # Today lists only my own tasks and deals.
    "today.done": Guard(Action.EDIT_TASK),
    "today.log": Guard(Action.LOG_ACTIVITY),
    "today.reschedule": Guard(Action.EDIT_TASK),
    "today.clear": Guard(Action.EDIT_TASK),
    "today.refresh": ANYONE,
    **{f"reschedule.{key}": ANYONE for key in ("t", "o", "n")},
    "reschedule.cancel": ANYONE,
    "planning.time_off": Guard(Action.TIME_OFF),  # a rep's form is always for their own days
    # board
    # The board's lanes widget passes the cursor keys of its lists on (tui/widgets/card_list.py).
    **dict.fromkeys(
        ("cards.up", "cards.down", "cards.page_up", "cards.page_down", "cards.first", "cards.last"), ANYONE
    ),
    "board.prev_lane": ANYONE,
    "board.next_lane": ANYONE,
    "board.move_right": _deal_or_task("move {it}"),
    "board.move_left": _deal_or_task("move {it}"),
    "board.filter_rep": ANYONE,
    "board.open": ANYONE,
    "board.refresh": ANYONE,
    # pipeline
    "pipeline.move": _deal("move {it}"),
    "pipeline.next_stage": _deal("move {it}"),
    "pipeline.prev_stage": _deal("move {it}"),
    "pipeline.won": _deal("mark {it} won"),
    "pipeline.lost": _deal("mark {it} lost"),
    "pipeline.mine": ANYONE,
    "pipeline.refresh": ANYONE,
    "pipeline.view": ANYONE,
    "pipeline.open": ANYONE,
    # activity: a rep logs their own
    "activity.log": Guard(Action.LOG_ACTIVITY),
    "activity.refresh": ANYONE,
    # retro
    "retro.prev_column": ANYONE,
    "retro.next_column": ANYONE,
    "retro.add": Guard(Action.RETRO_WRITE),
    "retro.vote": Guard(Action.RETRO_WRITE),
    "retro.delete": Guard(Action.RETRO_EDIT, verb="delete {it}"),
    "retro.prev_sprint": ANYONE,
    "retro.next_sprint": ANYONE,
    "retro.refresh": ANYONE,
    # dashboard: everyone reads it; coaching figures show only to managers (the service decides)
    "dashboard.rep": ANYONE,
    "dashboard.refresh": ANYONE,
    "dashboard.pipeline_by": ANYONE,
    # review
    "review.next": ANYONE,
    "review.back": ANYONE,
    "review.first": ANYONE,
    "review.refresh": ANYONE,
    "review.leave": ANYONE,
    "review.up": ANYONE,
    "review.down": ANYONE,
    # deal room and account: everyone reads every room
    "room.back": ANYONE,
    "room.log": Guard(Action.LOG_ACTIVITY),
    "room.note": Guard(Action.ADD_NOTE),
    "room.next_step": _deal("set the next step of {it}"),
    "room.collab_add": _deal("add a collaborator to {it}"),
    "room.collab_remove": _deal("remove a collaborator from {it}"),
    "room.edit": _deal("edit {it}"),
    "room.move": _deal("move {it}"),
    "room.won": _deal("mark {it} won"),
    "room.lost": _deal("mark {it} lost"),
    "room.account": ANYONE,
    "account.back": ANYONE,
    "account.open": ANYONE,
    # dialogs: opened by the keys above, so their own keys follow them
    "confirm.yes": ANYONE,
    "confirm.no": ANYONE,
    "keys.close": ANYONE,
    "history.close": ANYONE,
    "history.mine": ANYONE,
    "history.refresh": ANYONE,
    "import.run": Guard(Action.IMPORT),
    "import.close": ANYONE,
    **{f"log.{kind}": ANYONE for kind in ("call", "meeting", "email", "note", "demo", "proposal")},
    "log.cancel": ANYONE,
    "log.deal": ANYONE,
    **{f"log.outcome.{n}": ANYONE for n in range(1, 6)},
    "pick.cancel": ANYONE,
    "pick.next": ANYONE,
    "pick.previous": ANYONE,
    "log.save": Guard(Action.LOG_ACTIVITY),
    "lost.cancel": ANYONE,
    "lost.submit": ANYONE,
    "move.cancel": ANYONE,
    "rep_detail.close": ANYONE,
    "rep_detail.copy": ANYONE,
    "retro_entry.cancel": ANYONE,
    "retro_entry.save": Guard(Action.RETRO_WRITE),
    "start.today": Guard(Action.START_SPRINT),
    "start.keep": Guard(Action.START_SPRINT),
    "start.no": ANYONE,
    "prompt.cancel": ANYONE,
    "prompt.save": ANYONE,
    "form.save": ANYONE,
    "form.cancel": ANYONE,
    "form.take_theirs": ANYONE,
    "form.overwrite": ANYONE,
}
"""Binding id -> what its action needs. A dialog's save is the service's to refuse on
the row it holds (a form for someone else's deal never opens: its key was checked)."""

KIND_WORDS = {"deal": "the owner", "task": "the assignee", "card": "the owner", "entry": "the author"}


def action_name(action: str) -> str:
    """The action's name as `check_action` is given it: "rank(-1)" -> "rank", "app.help" -> "help"."""
    return action.split("(", 1)[0].rsplit(".", 1)[-1]


def declared_bindings(node_class: type[DOMNode]) -> list[Binding]:
    """The bindings a class and its bases declare (in their BINDINGS), with an id."""
    found: list[Binding] = []
    for klass in node_class.__mro__:
        for binding in vars(klass).get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.append(binding)
    return found


def guard_of(binding_id: str) -> Guard | None:
    """A binding's guard; a screen's number key (made from SCREENS) opens it for anyone."""
    return ANYONE if binding_id.startswith("mode.") else GUARDS.get(binding_id)


@cache
def guard_for(node_class: type[DOMNode], action: str) -> Guard | None:
    """The guard of the class's binding that runs `action` (None: not one of its keys)."""
    for binding in declared_bindings(node_class):
        guard = guard_of(binding.id or "")
        if guard is not None and action_name(binding.action) == action:
            return guard
    return None


def _least(action: Action) -> str:
    return RULES[action].least_role.value


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def role_refusal(role: Role, guard: Guard) -> str | None:
    """Why my role can never do it, whatever row ("managers only"); None when it may
    (on its own rows, at least: then `row_refusal` decides)."""
    needed = [a for a in (guard.needs, guard.task_needs) if a is not None]
    if not needed or any(allowed(role, a, owns=True) for a in needed):
        return None
    return f"{_least(needed[0])}s only"


def row_refusal(role: Role, login: str, guard: Guard, row: Owned) -> str | None:
    """Why I may not do it to this row, in a sentence; None when I may."""
    permission = guard.permission(row.kind)
    if permission is None or allowed(role, permission, owns=row.mine(login)):
        return None
    least = _least(permission)
    who = f"{row.owner_name} ({KIND_WORDS.get(row.kind, 'the owner')})"
    if row.kind == "deal":
        who += ", the deal's collaborators"
    what = (guard.verb or "change {it}").format(it=f"this {row.kind}")
    return f"Only {who} or {_a(least)} may {what}; you are {_a(role.value)}."


def my_role(app: App[Any]) -> tuple[Role, str] | None:
    """My role and login, once the app knows who I am (dialogs hosted in test apps: None)."""
    me = getattr(app, "me", None)
    return None if me is None else (Role(me.role), me.login)


def refused_reason(app: App[Any], node: DOMNode, action: str) -> str | None:
    """Why my role may not run `action` of `node` (a screen, or the app), e.g. "managers only"; else None."""
    guard = guard_for(type(node), action)
    mine = my_role(app)
    return None if guard is None or mine is None else role_refusal(mine[0], guard)


def guarded_state(app: App[Any], node: DOMNode, action: str) -> bool | None:
    """`check_action`'s answer for my role: True, None (shown disabled) or False (hidden)."""
    if refused_reason(app, node, action) is None:
        return True
    guard = guard_for(type(node), action)
    return False if guard is not None and guard.hide else None
