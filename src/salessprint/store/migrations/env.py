"""Alembic environment: runs against the Store handed in by salessprint."""

from __future__ import annotations

from alembic import context

from salessprint.store.models import Base

config = context.config
store = config.attributes.get("store")
target_metadata = Base.metadata


def run_migrations_online() -> None:
    if store is None:
        from salessprint.store.db import Store

        url = config.get_main_option("sqlalchemy.url") or "sqlite:///salessprint.db"
        engine = Store(url).engine
    else:
        engine = store.engine
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
