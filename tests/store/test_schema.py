"""Migrations build the schema on both backends; money and time stay exact."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from salessprint.domain.errors import StoreUnavailable
from salessprint.store.db import Store, parse_url, safe_url
from salessprint.store.models import Account, Base, Deal, Member, Stage, Team


def test_upgrade_from_empty_to_head_creates_every_table(db_url: str) -> None:
    store = Store(db_url)
    assert store.schema_state().empty
    store.upgrade()
    state = store.schema_state()
    assert state.up_to_date
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    store.upgrade()  # idempotent
    store.dispose()


def test_schema_matches_the_models(db_url: str) -> None:
    """Autogenerate finds nothing to add: the migration and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = Store(db_url)
    store.upgrade()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    store.dispose()
    from salessprint.store.search import search_tables

    trigram = search_tables()  # SQLite's FTS5 tables of migration 0011, not models
    assert [d for d in diff if d[0] != "remove_index" and not (d[0] == "remove_table" and d[1].name in trigram)] == []


def test_commands_refuse_an_empty_store_and_say_what_to_run(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    with pytest.raises(StoreUnavailable, match="salessprint init"):
        store.require_current_schema()


def test_money_and_times_round_trip_exactly(db_url: str) -> None:
    store = Store(db_url)
    store.upgrade()
    when = datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=UTC)
    with store.session() as s:
        team = Team(name="T", currency="EUR")
        s.add(team)
        s.flush()
        stage = Stage(team_id=team.id, name="Lead", position=0, probability=10, kind="open")
        member = Member(team_id=team.id, login="a", name="A", role="admin")
        s.add_all([stage, member])
        s.flush()
        account = Account(team_id=team.id, name="Acme")
        s.add(account)
        s.flush()
        for cents in ("0.01", "999999999999.99", "12345.67", "0.10"):
            s.add(
                Deal(
                    team_id=team.id,
                    account_id=account.id,
                    title=cents,
                    value=Decimal(cents),
                    stage_id=stage.id,
                    owner_id=member.id,
                    started_on=date(2026, 1, 1),
                    stage_entered_at=when,
                )
            )
        s.commit()
    with store.session() as s:
        deals = s.scalars(select(Deal).order_by(Deal.id)).all()
        assert [d.value for d in deals] == [Decimal(d.title) for d in deals]
        assert all(d.stage_entered_at == when for d in deals)
        assert deals[0].stage_entered_at.tzinfo is not None
        from sqlalchemy import func

        assert s.scalar(select(func.sum(Deal.value))) == Decimal("1000000012345.77")
    store.dispose()


def test_sqlite_enforces_foreign_keys_and_uses_wal(sqlite_url: str) -> None:
    from sqlalchemy import text

    store = Store(sqlite_url)
    store.upgrade()
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.dispose()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mysql://x@y/z", "SQLite or PostgreSQL"),
        ("postgresql://user@:::/x", "malformed"),
        ("   ", "empty"),
    ],
)
def test_bad_urls_are_explained(raw: str, message: str) -> None:
    with pytest.raises(StoreUnavailable, match=message):
        parse_url(raw)


def test_passwords_never_show() -> None:
    url = parse_url("postgresql://rep:s3cret@db.example/sales")
    assert "s3cret" not in safe_url(url)
    assert url.drivername == "postgresql+psycopg"


def test_unreachable_server_is_one_plain_sentence(pg_server: str) -> None:
    store = Store("postgresql+psycopg://postgres:hunter2@127.0.0.1:1/nowhere")
    with pytest.raises(StoreUnavailable) as err:
        store.check_connection()
    assert "hunter2" not in str(err.value)
    assert "Cannot reach the database" in str(err.value)


def test_missing_database_says_create_it(pg_server: str) -> None:
    store = Store("postgresql+psycopg://postgres@127.0.0.1:5432/salessprint_does_not_exist")
    with pytest.raises(StoreUnavailable, match="does not exist"):
        store.schema_state()


def test_an_older_schema_says_run_db_upgrade(sqlite_url: str) -> None:
    from sqlalchemy import text

    store = Store(sqlite_url)
    store.upgrade()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    with pytest.raises(StoreUnavailable, match="salessprint db upgrade"):
        store.require_current_schema()
    store.dispose()


def test_partial_indexes_come_from_the_migrations(db_url: str) -> None:
    """The models leave them out (see Deal.__table_args__), the schema has them."""
    from sqlalchemy import inspect

    store = Store(db_url)
    store.upgrade()
    found = inspect(store.engine)
    assert "ix_deals_open_rank" in {ix["name"] for ix in found.get_indexes("deals")}
    assert "ix_tasks_open_rank" in {ix["name"] for ix in found.get_indexes("tasks")}
    store.dispose()


def test_loading_the_models_does_not_load_the_postgresql_dialect() -> None:
    import subprocess
    import sys

    code = "import sys, salessprint.store.models; print(any('dialects.postgresql' in m for m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "False"
