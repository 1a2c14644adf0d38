"""Migration 0006: deals keep their rows and follow their stage's forecast
category (NULL), the commit calls get their table, and downgrading takes
both away again; on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from salessprint.store.db import Store


def test_upgrade_keeps_deals_and_adds_the_category_and_the_calls(db_url: str) -> None:
    store = Store(db_url)
    command.upgrade(store.alembic_config(), "0004")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO teams (id, name, currency, timezone, week_start, sprint_weeks, rotting_days, demo, created_at, version) VALUES (1, 'T', 'EUR', 'UTC', 0, 1, 21, false, '2026-11-01 09:00:00+00:00', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO members (id, team_id, login, name, role, active, created_at, version) VALUES (1, 1, 'a', 'A', 'admin', true, '2026-11-01 09:00:00+00:00', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO stages (id, team_id, name, position, probability, kind) VALUES (1, 1, 'Negotiation', 0, 80, 'open')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO accounts (id, team_id, name, created_at) VALUES (1, 1, 'Acme', '2026-11-01 09:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO deals (id, team_id, account_id, title, value, stage_id, owner_id, started_on, "
                "stage_entered_at, backlog_rank, source, created_at, version) VALUES (1, 1, 1, 'Renewal', 100, 1, 1, "
                "'2026-11-01', '2026-11-01 09:00:00+00:00', 1.0, 'salessprint', '2026-11-01 09:00:00+00:00', 1)"
            )
        )
    command.upgrade(store.alembic_config(), "0006")
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT title, forecast_category FROM deals")).all() == [("Renewal", None)]
    assert "forecast_snapshots" in inspect(store.engine).get_table_names()
    command.downgrade(store.alembic_config(), "0004")
    fresh = inspect(store.engine)
    assert "forecast_snapshots" not in fresh.get_table_names()
    assert "forecast_category" not in {c["name"] for c in fresh.get_columns("deals")}
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT title FROM deals")).all() == [("Renewal",)]
    store.dispose()
