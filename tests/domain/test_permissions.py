import pytest

from salessprint.domain.enums import Role
from salessprint.domain.errors import PermissionDenied
from salessprint.domain.permissions import RULES, Action, allowed, require


@pytest.mark.parametrize("action", list(Action))
def test_admin_may_do_everything(action: Action) -> None:
    assert allowed(Role.ADMIN, action)


@pytest.mark.parametrize(
    ("role", "action", "owns", "expected"),
    [
        (Role.REP, Action.MANAGE_MEMBERS, False, False),
        (Role.MANAGER, Action.MANAGE_MEMBERS, False, False),
        (Role.REP, Action.SET_TARGET, False, False),
        (Role.REP, Action.SET_TARGET, True, True),
        (Role.MANAGER, Action.SET_TARGET, False, True),
        (Role.REP, Action.CLOSE_SPRINT, False, False),
        (Role.MANAGER, Action.CLOSE_SPRINT, False, True),
        (Role.REP, Action.EDIT_DEAL, True, True),
        (Role.REP, Action.EDIT_DEAL, False, False),
        (Role.REP, Action.REASSIGN, True, False),
        (Role.REP, Action.RETRO_WRITE, False, True),
        (Role.REP, Action.IMPORT, False, False),
        (Role.MANAGER, Action.IMPORT, False, False),
    ],
)
def test_matrix(role: Role, action: Action, owns: bool, expected: bool) -> None:
    assert allowed(role, action, owns) is expected


def test_refusal_names_the_role_needed() -> None:
    with pytest.raises(PermissionDenied, match="Only an admin or above may manage members"):
        require(Role.REP, Action.MANAGE_MEMBERS)


def test_every_action_has_a_rule() -> None:
    assert set(RULES) == set(Action)
