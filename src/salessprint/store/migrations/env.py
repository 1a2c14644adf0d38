"""Alembic environment: runs against the Store handed in by salessprint."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, RootTransaction

from salessprint.store.db import WRITE_LOCK
from salessprint.store.models import Base

config = context.config
store = config.attributes.get("store")
target_metadata = Base.metadata


SCHEMA_LOCK = 0x5A1E5_5C4E
"""PostgreSQL advisory lock key held while migrating."""


def _one_at_a_time(connection: Connection) -> RootTransaction:
    """Begin the migration's transaction so that two upgrades of one store
    (two `init`s at once) run one after the other: the second then finds
    the schema current and does nothing, where both used to create the
    tables and one crashed."""
    if connection.dialect.name == "sqlite":
        connection.execution_options(**{WRITE_LOCK: True})  # BEGIN IMMEDIATE: writers queue
    transaction = connection.begin()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
    return transaction


def run_migrations_online() -> None:
    if store is None:
        from salessprint.store.db import Store

        url = config.get_main_option("sqlalchemy.url") or "sqlite:///salessprint.db"
        engine = Store(url).engine
    else:
        engine = store.engine
    with engine.connect() as connection, _one_at_a_time(connection):
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()
        if connection.dialect.name == "postgresql":
            from salessprint.store.roles import ensure_roles

            config.attributes["roles_report"] = ensure_roles(connection)


run_migrations_online()
