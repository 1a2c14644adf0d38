"""Migration 0010: the time-off table, one row per member and day, one team
holiday per day; added to a store holding a team, and taken away again."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from salessprint.store.db import Store
from salessprint.store.models import Member, Team, TimeOff
from tests.templates import team_copy


def test_upgrade_adds_time_off_with_its_unique_rules_and_downgrade_removes_it(db_url: str) -> None:
    team_copy(db_url).dispose()
    store = Store(db_url)
    when = datetime(2026, 11, 30, tzinfo=UTC)
    with store.session() as s:
        team_id = s.scalars(select(Team.id)).one()
        rita = s.scalars(select(Member.id).where(Member.login == "rita")).one()
        s.add_all(
            [
                TimeOff(team_id=team_id, member_id=rita, day=date(2026, 12, 1), created_at=when),
                TimeOff(team_id=team_id, member_id=None, day=date(2026, 12, 24), created_at=when),
                TimeOff(team_id=team_id, member_id=rita, day=date(2026, 12, 24), created_at=when),
            ]
        )
        s.commit()
    for member in ("rita", None):  # a second day off, a second holiday on one day
        with store.session() as s:
            member_id = s.scalars(select(Member.id).where(Member.login == member)).first() if member else None
            day = date(2026, 12, 1) if member else date(2026, 12, 24)
            s.add(TimeOff(team_id=team_id, member_id=member_id, day=day, created_at=when))
            with pytest.raises(IntegrityError):
                s.commit()
    command.downgrade(store.alembic_config(), "0009")
    assert "time_off" not in inspect(store.engine).get_table_names()
    command.upgrade(store.alembic_config(), "0010")
    assert "time_off" in inspect(store.engine).get_table_names()
    store.dispose()
