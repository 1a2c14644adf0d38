"""Who may do what, as data. The services enforce it; the UI only hides.

A rule names the least role that may always act, and whether a rep may act
on what they own (their deal, task, activity, retro entry; a deal they
collaborate on counts as theirs).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from salessprint.domain.enums import Role
from salessprint.domain.errors import PermissionDenied

RANK = {Role.REP: 0, Role.MANAGER: 1, Role.ADMIN: 2}


class Action(StrEnum):
    READ_TEAM = "read the team's data"
    MANAGE_MEMBERS = "manage members"
    TEAM_SETTINGS = "change the team's settings"
    IMPORT = "import data"
    RESTORE = "restore a backup"
    SET_TARGET = "set targets"
    PLAN_SPRINT = "plan sprints"
    START_SPRINT = "start a sprint"
    CLOSE_SPRINT = "close a sprint"
    SPRINT_ITEM = "change what is in the sprint"
    CREATE_DEAL = "add deals"
    EDIT_DEAL = "edit deals"
    REASSIGN = "reassign work"
    SET_FORECAST_CATEGORY = "set a deal's forecast category"
    CREATE_TASK = "add tasks"
    EDIT_TASK = "edit tasks"
    LOG_ACTIVITY = "log activities"
    EDIT_ACTIVITY = "edit activities"
    RETRO_WRITE = "write retro entries"
    RETRO_EDIT = "edit retro entries"
    ADD_NOTE = "add notes"
    COACHING = "read coaching reports"
    UNDO = "undo a change"
    PURGE_DEAL = "purge an archived deal for good"
    TIME_OFF = "record days off"
    TEAM_HOLIDAY = "set the team's holidays"


@dataclass(frozen=True, slots=True)
class Rule:
    least_role: Role
    owner_may: bool = False


RULES: dict[Action, Rule] = {
    Action.READ_TEAM: Rule(Role.REP),
    Action.MANAGE_MEMBERS: Rule(Role.ADMIN),
    Action.TEAM_SETTINGS: Rule(Role.ADMIN),
    Action.IMPORT: Rule(Role.ADMIN),
    Action.RESTORE: Rule(Role.ADMIN),
    Action.SET_TARGET: Rule(Role.MANAGER, owner_may=True),
    Action.PLAN_SPRINT: Rule(Role.MANAGER),
    Action.START_SPRINT: Rule(Role.MANAGER),
    Action.CLOSE_SPRINT: Rule(Role.MANAGER),
    Action.SPRINT_ITEM: Rule(Role.MANAGER, owner_may=True),
    Action.CREATE_DEAL: Rule(Role.MANAGER, owner_may=True),
    Action.EDIT_DEAL: Rule(Role.MANAGER, owner_may=True),
    Action.REASSIGN: Rule(Role.MANAGER),
    # The owner calls their own forecast; a collaborator does not.
    Action.SET_FORECAST_CATEGORY: Rule(Role.MANAGER, owner_may=True),
    Action.CREATE_TASK: Rule(Role.MANAGER, owner_may=True),
    Action.EDIT_TASK: Rule(Role.MANAGER, owner_may=True),
    Action.LOG_ACTIVITY: Rule(Role.MANAGER, owner_may=True),
    Action.EDIT_ACTIVITY: Rule(Role.MANAGER, owner_may=True),
    Action.RETRO_WRITE: Rule(Role.REP),
    Action.RETRO_EDIT: Rule(Role.MANAGER, owner_may=True),
    Action.ADD_NOTE: Rule(Role.REP),
    Action.COACHING: Rule(Role.MANAGER),
    Action.UNDO: Rule(Role.REP),
    Action.PURGE_DEAL: Rule(Role.ADMIN),
    Action.TIME_OFF: Rule(Role.MANAGER, owner_may=True),
    Action.TEAM_HOLIDAY: Rule(Role.MANAGER),
}


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def allowed(role: Role, action: Action, owns: bool = False) -> bool:
    rule = RULES[action]
    return RANK[role] >= RANK[rule.least_role] or (rule.owner_may and owns)


def require(role: Role, action: Action, owns: bool = False) -> None:
    """Raise PermissionDenied naming the role needed."""
    if allowed(role, action, owns):
        return
    rule = RULES[action]
    mine = " (a rep may do this only for their own)" if rule.owner_may else ""
    raise PermissionDenied(
        f"Only {_a(rule.least_role.value)} or above may {action.value}{mine}; you are {_a(role.value)}."
    )
