"""Migration 0003: open deals lose a close date, closed ones get one, and
open deals have an index in backlog order."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from alembic import command
from sqlalchemy import insert, inspect, select

from salessprint.store.db import Store
from salessprint.store.models import Account, Base, Deal, Member, Stage, Team


def test_upgrade_makes_close_dates_agree_with_stages(db_url: str) -> None:
    store = Store(db_url)
    command.upgrade(store.alembic_config(), "0002")
    entered = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    with store.session() as s:
        team = _old_row(s, Team, name="T", currency="EUR")
        stages = {
            kind: Stage(team_id=team.id, name=kind.title(), position=i, probability=10, kind=kind)
            for i, kind in enumerate(("open", "won", "lost"))
        }
        member = _old_row(s, Member, team_id=team.id, login="a", name="A", role="admin")
        s.add_all(stages.values())
        s.flush()
        account = Account(team_id=team.id, name="Acme")
        s.add(account)
        s.flush()
        cases = [
            ("open, dated", "open", date(2026, 3, 1)),
            ("open", "open", None),
            ("won, undated", "won", None),
            ("lost, undated", "lost", None),
            ("won", "won", date(2026, 2, 2)),
        ]
        for title, kind, closed in cases:
            # Only the columns of the schema at 0002: an ORM insert names every
            # column of today's model, and later migrations add some.
            s.execute(
                insert(Base.metadata.tables["deals"]).values(
                    team_id=team.id,
                    account_id=account.id,
                    title=title,
                    value=Decimal(1),
                    stage_id=stages[kind].id,
                    owner_id=member.id,
                    started_on=date(2026, 1, 1),
                    stage_entered_at=entered,
                    closed_on=closed,
                    version=1,
                )
            )
        s.commit()
    store.upgrade()
    with store.session() as s:
        closed_on = dict(s.execute(select(Deal.title, Deal.closed_on)).all())
    assert closed_on == {
        "open, dated": None,
        "open": None,
        "won, undated": date(2026, 3, 29),
        "lost, undated": date(2026, 3, 29),
        "won": date(2026, 2, 2),
    }
    indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("deals")}
    assert "ix_deals_open_rank" in indexes
    command.downgrade(store.alembic_config(), "0002")
    assert "ix_deals_open_rank" not in {ix["name"] for ix in inspect(store.engine).get_indexes("deals")}
    store.dispose()


def _old_row(s, model, **values):
    """Insert a row with the given columns only, as the older revision's table has
    them (the models carry the newest columns), and return it as `.id`."""
    table = model.__table__
    if "version" in table.c:  # the ORM's version counter
        values.setdefault("version", 1)
    return SimpleNamespace(id=s.execute(insert(table).values(**values).returning(table.c.id)).scalar_one())
