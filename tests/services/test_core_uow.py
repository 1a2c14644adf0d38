"""The Core unit of work: one transaction, all or nothing, as the acting member.

What it writes for `log` is compared with the ORM unit of work's in
test_activities_core.py; here, the guarantees of the block itself."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from salessprint.domain import clock
from salessprint.domain.errors import NotFound, PermissionDenied, SalesSprintError
from salessprint.domain.permissions import Action
from salessprint.services.core_uow import core_unit_of_work
from salessprint.store.db import Store
from salessprint.store.tables import activities


def _count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_failure_inside_leaves_the_store_as_it_was(team_store: Store) -> None:
    before = (_count(team_store, "activities"), _count(team_store, "changes"))
    with pytest.raises(RuntimeError), core_unit_of_work(team_store, "rita") as uow:
        uow.add(
            "activity",
            activities,
            {
                "team_id": uow.actor.team_id,
                "member_id": uow.actor.member_id,
                "kind": "call",
                "occurred_at": clock.now(),
            },
        )
        raise RuntimeError("boom")
    assert (_count(team_store, "activities"), _count(team_store, "changes")) == before


def test_the_actor_is_looked_up_afresh_with_the_team_s_zone(team_store: Store) -> None:
    with core_unit_of_work(team_store, "max") as uow:
        assert (uow.actor.login, uow.actor.role.value, uow.timezone) == ("max", "manager", "UTC")
        uow.require(Action.LOG_ACTIVITY)
    with pytest.raises(NotFound, match="'nobody' is not a member"), core_unit_of_work(team_store, "nobody"):
        pass
    with (
        pytest.raises(SalesSprintError, match="Say who you are|say which member you act as"),
        core_unit_of_work(team_store, None),
    ):
        pass
    with pytest.raises(PermissionDenied), core_unit_of_work(team_store, "rita") as uow:
        uow.require(Action.MANAGE_MEMBERS)


def test_a_broken_rule_of_the_store_is_said_plainly_and_rolled_back(team_store: Store) -> None:
    before = _count(team_store, "changes")
    with (
        pytest.raises(SalesSprintError, match="would break a rule of the store"),
        core_unit_of_work(team_store, "rita") as uow,
    ):
        uow.record("activity", 1, "create", None, {"id": 1})
        uow.conn.execute(
            activities.insert(),
            {"team_id": uow.actor.team_id, "member_id": 999_999, "kind": "call", "occurred_at": clock.now()},
        )
    assert _count(team_store, "changes") == before
