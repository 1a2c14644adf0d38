"""Migration 0008: the deal archive and `changes.cause_id`, added to a store holding data, and taken away again."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, inspect, select

from salessprint.store.db import Store
from salessprint.store.models import Base, Change


def test_upgrade_adds_the_archive_and_keeps_the_log(db_url: str) -> None:
    store = Store(db_url)
    command.upgrade(store.alembic_config(), "0004")
    with store.session() as s:
        # The tables as 0004 has them (the models carry later columns).
        teams = Base.metadata.tables["teams"]
        team_id = s.execute(
            insert(teams)
            .values(name="T", currency="EUR", timezone="UTC", week_start=0, sprint_weeks=1, rotting_days=21)
            .values(demo=False, created_at=datetime(2026, 11, 30, tzinfo=UTC), version=1)
            .returning(teams.c.id)
        ).scalar_one()
        s.execute(
            insert(Base.metadata.tables["changes"]).values(
                team_id=team_id,
                at=datetime(2026, 11, 30, tzinfo=UTC),
                entity="deal",
                entity_id=1,
                action="create",
                undone=False,
            )
        )
        s.commit()
    command.upgrade(store.alembic_config(), "0008")
    found = inspect(store.engine)
    assert "deal_archive" in found.get_table_names()
    assert "cause_id" in {c["name"] for c in found.get_columns("changes")}
    with store.session() as s:
        assert s.execute(select(Change.entity, Change.cause_id)).all() == [("deal", None)]

    command.downgrade(store.alembic_config(), "0004")
    found = inspect(store.engine)
    assert "deal_archive" not in found.get_table_names()
    assert "cause_id" not in {c["name"] for c in found.get_columns("changes")}
    store.dispose()
