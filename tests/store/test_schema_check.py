"""The schema check reads `alembic_version` with plain SQL against a constant,
so opening a current store never imports Alembic."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from salessprint.domain.errors import StoreUnavailable
from salessprint.store.db import Store, schema_head


def test_schema_head_constant_is_alembics_head() -> None:
    store = Store("sqlite://")
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(store.alembic_config()).get_current_head() == schema_head()
    store.dispose()


def test_current_revision_by_plain_sql(db_url: str) -> None:
    store = Store(db_url)
    assert store.current_revision() is None
    store.upgrade()
    assert store.current_revision() == schema_head()
    store.require_current_schema()
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    with pytest.raises(StoreUnavailable, match="older schema"):
        store.require_current_schema()
    store.dispose()


def test_a_current_store_opens_without_importing_alembic(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    store.upgrade()
    store.dispose()
    code = (
        "import sys; from salessprint.services import open_store; "
        f"open_store({sqlite_url!r}).dispose(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout
