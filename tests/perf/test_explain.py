"""Query plans on PostgreSQL: every screen and report query can use an index.

The generated team is loaded into a fresh database and every statement the
registry's calls send (benchmarks/reports.py) is explained with sequential
scans disabled: the planner then takes an index wherever one can serve, so
a Seq Scan left on a big table means no index helps that query. Those
that are known and accepted are listed, with the reason, in ACCEPTED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from benchmarks.generate import Size, build_store
from benchmarks.queries import RawConnection, recording
from benchmarks.reports import Entry, Missing, entries, resolve
from salessprint.domain import clock
from salessprint.services import open_store
from salessprint.store.roles import drop_lines
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.postgres

SIZE = Size(
    "explain", reps=6, deals=1_500, activities=8_000, sprints=12, accounts=120, items_per_rep=4, notes=30, changes=200
)
ENTRIES = [e for e in entries() if e.group in ("list", "screen", "report", "dashboard")]

ACCEPTED: dict[str, set[str]] = {
    # A filter matches inside words (LIKE '%text%'): no B-tree index can serve it.
    # On a big team this wants pg_trgm GIN indexes (see benchmarks/README.md).
    "open deals filtered": {"accounts"},
    "backlog filtered (team)": {"accounts"},
}


@pytest.fixture(scope="module")
def pg_store(pg_server: str) -> Iterator[tuple[object, RawConnection]]:
    name = f"salessprint_test_explain_{uuid.uuid4().hex[:8]}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        with clock.freeze(FROZEN_NOW):
            build_store(url, SIZE)
        store = open_store(url)
        raw = RawConnection(url)
        yield store, raw
        raw.close()
        store.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for line in drop_lines(name):  # the store's group roles (store/roles.py)
                conn.execute(line)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_no_big_table_is_scanned_in_full(pg_store, entry: Entry) -> None:
    store, raw = pg_store
    try:
        fn = resolve(entry.target)
    except Missing as exc:
        pytest.fail(
            f"{entry.name}: the benchmarked function is renamed or missing ({exc}); update benchmarks/reports.py"
        )
    with clock.freeze(FROZEN_NOW), recording(store.engine) as seen:
        fn(store, entry.login, **entry.kwargs)
    reads = [s for s in seen if s.sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert reads, f"{entry.name} sent no query"
    scanned = {table for s in reads for table in raw.plan(s, analyze=False, seqscan=False)["full_scans"]}
    assert scanned <= ACCEPTED.get(entry.name, set()), (scanned, [s.sql for s in reads])
