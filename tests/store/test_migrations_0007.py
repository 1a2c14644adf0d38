"""Migration 0007: the quota ramp (teams, members) and the team's forecast window."""

from __future__ import annotations

from types import SimpleNamespace

from alembic import command
from sqlalchemy import insert, inspect, select

from salessprint.store.db import Store
from salessprint.store.models import Member, Team

NEW = {
    "teams": {"quota_ramp", "quota_ramp_months", "forecast_history", "forecast_min_history"},
    "members": {"quota_ramp", "quota_ramp_months"},
}


def _old_row(s, model, **values):
    """A row with the given columns only (the 0004 tables lack 0007's)."""
    table = model.__table__
    values.setdefault("version", 1)
    return SimpleNamespace(id=s.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())


def test_upgrade_adds_empty_settings_and_downgrade_drops_them(db_url: str) -> None:
    store = Store(db_url)
    command.upgrade(store.alembic_config(), "0004")
    with store.session() as s:
        team = _old_row(s, Team, name="T", currency="EUR")
        _old_row(s, Member, team_id=team.id, login="a", name="A", role="admin")
        s.commit()
    command.upgrade(store.alembic_config(), "0007")
    with store.session() as s:
        # No rep has a ramp, and the window is the default, until a manager sets them.
        assert s.execute(select(Team.quota_ramp, Team.forecast_history, Team.forecast_min_history)).one() == (
            None,
            None,
            None,
        )
        assert s.execute(select(Member.quota_ramp, Member.quota_ramp_months)).one() == (None, None)
    command.downgrade(store.alembic_config(), "0004")
    with store.engine.connect() as conn:
        for table, columns in NEW.items():
            assert not columns & {c["name"] for c in inspect(conn).get_columns(table)}
    store.dispose()
