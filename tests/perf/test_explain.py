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
    # A filter matches inside words (LIKE '%text%'); the pg_trgm GIN indexes
    # (migration 0011) serve three characters or more, and "qk" has no trigram.
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


def _index_names(node: dict[str, object]) -> set[str]:
    names = {str(node["Index Name"])} if "Index Name" in node else set()
    for child in node.get("Plans", []):  # type: ignore[attr-defined]
        names |= _index_names(child)
    return names


@pytest.mark.parametrize("table", ["deals", "tasks", "accounts"])
def test_the_filters_match_is_served_by_a_trigram_index(pg_store, table: str) -> None:
    """The backlog filter's match, `lower(column) LIKE :like ESCAPE '\\'`, as
    the service writes it (store/search.py), is answered by the pg_trgm GIN
    index of migration 0011 (the partial one of open rows, where there is one)."""
    import psycopg
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql

    from salessprint.services.backlog import DONE
    from salessprint.store import queries, search
    from salessprint.store.models import Account, Deal, Task

    _store, raw = pg_store
    query = {
        "deals": select(Deal.id).where(queries.open_deals(1), search.like(Deal.title)),
        "tasks": select(Task.id).where(Task.status != DONE, search.like(Task.title)),
        "accounts": select(Account.id).where(search.like(Account.name)),
    }[table]
    compiled = query.compile(dialect=postgresql.dialect())
    params = {**compiled.params, "like": search.like_pattern("ykgjl")}
    cur = psycopg.ClientCursor(raw.conn)

    class Undo(Exception):
        pass

    row = None
    try:
        with raw.conn.transaction():
            # The table's other indexes dropped (rolled back below): with a
            # few dozen open tasks, walking the whole rank index is cheaper,
            # and which index serves the match is the question here.
            cur.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%trgm' "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                (table,),
            )
            for (name,) in cur.fetchall():
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(f"EXPLAIN (FORMAT JSON) {compiled.string}", params)
            row = cur.fetchone()
            raise Undo
    except Undo:
        pass
    assert row is not None
    used = _index_names(row[0][0]["Plan"])
    assert used == {f"ix_{table}_open_title_trgm" if table != "accounts" else "ix_accounts_name_trgm"}, used


def test_a_filter_of_few_matches_reads_them_by_id_column_by_column(pg_store) -> None:
    """A text held by one deal's title (and so by its tasks through their
    deal): the window reads the matching rows off the trigram indexes, the
    tasks' through their deal's id (every deal's titles: migration 0012), and
    sorts them. No OR across a task's join to its deal and account, which no
    index serves: every open task was walked and joined (1 s at 100,000)."""
    import re

    from sqlalchemy import text as sql

    from salessprint.services.backlog import backlog_page

    store, raw = pg_store
    with store.engine.connect() as conn:
        title = conn.execute(
            sql("SELECT title FROM deals WHERE closed_on IS NOT NULL ORDER BY id LIMIT 1")
        ).scalar_one()
    ref = re.search(r"\(ref (\w+)\)", title)
    assert ref, title
    with clock.freeze(FROZEN_NOW), recording(store.engine) as seen:
        backlog_page(store, "maria", mine=False, text=ref.group(1))
    (window,) = [s for s in seen if "AS backlog" in s.sql]
    cur = psycopg.ClientCursor(raw.conn)

    class Undo(Exception):
        pass

    row = None
    try:
        with raw.conn.transaction():
            # A small store, few open tasks: reading them all off a rank index
            # is cheapest here. Without the rank indexes (rolled back below)
            # and sequential scans, whether the match itself can be served
            # column by column is the question: an OR holding the joined
            # account's name could not be.
            for name in ("ix_tasks_open_rank", "ix_tasks_team_rank", "ix_deals_open_rank", "ix_deals_team_rank"):
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(f"EXPLAIN (FORMAT JSON) {window.sql}", window.params)
            row = cur.fetchone()
            raise Undo
    except Undo:
        pass
    assert row is not None
    used = _index_names(row[0][0]["Plan"])
    assert {"ix_deals_title_trgm", "ix_tasks_open_title_trgm", "ix_tasks_deal_id"} <= used, used
