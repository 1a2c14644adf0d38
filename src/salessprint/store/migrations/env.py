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
    tables and one crashed. SQLite takes its write lock at BEGIN; on
    PostgreSQL the caller takes an advisory lock once the link's timeouts
    are lifted (waiting for it may take long)."""
    if connection.dialect.name == "sqlite":
        connection.execution_options(**{WRITE_LOCK: True})  # BEGIN IMMEDIATE: writers queue
    transaction = connection.begin()
    return transaction


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        # A whole-store build on PostgreSQL (store/replace.py): the schema is
        # made in the build's own transaction, committed with its data or not at
        # all (the build has lifted the link's timeouts on it).
        given.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        _configure(given)
        context.run_migrations()
        return
    owner = store
    if owner is None:
        from salessprint.store.db import Store

        owner = Store(config.get_main_option("sqlalchemy.url") or "sqlite:///salessprint.db")
    # A migration may rightly take long (an index on a big table, another
    # upgrade's lock to wait for): the link's timeouts are lifted for it.
    with owner.engine.connect() as connection, _one_at_a_time(connection), owner.without_deadlines(connection):
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
        _configure(connection)
        context.run_migrations()
        if connection.dialect.name == "postgresql":
            from salessprint.store.roles import ensure_roles

            config.attributes["roles_report"] = ensure_roles(connection)


run_migrations_online()
