"""Service calls timed against the same SQL through the raw driver.

For each registry entry the service runs once to warm up while an engine
event listener records every statement and its parameters exactly as sent
to the driver. The service is then timed (median of `runs`), and the
recorded statements are replayed through a plain sqlite3 / psycopg
connection and timed the same way. The ratio is what the ORM, the unit of
work and the value objects cost on top of the SQL itself.

Plans: on PostgreSQL every recorded SELECT is run under
`EXPLAIN (ANALYZE, FORMAT JSON)`; on SQLite under `EXPLAIN QUERY PLAN`.
Full scans of the big tables are reported per entry.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from benchmarks.generate import _conninfo
from benchmarks.reports import Entry, Missing, entries, resolve

BIG_TABLES = (
    "activities",
    "deals",
    "deal_events",
    "tasks",
    "sprint_items",
    "changes",
    "accounts",
    "deal_collaborators",
    "notes",
)


@dataclass
class Statement:
    sql: str
    params: Any


@contextmanager
def recording(engine: Any) -> Iterator[list[Statement]]:
    """Every statement `engine` sends while the block runs (reads and writes)."""
    from sqlalchemy import event

    seen: list[Statement] = []

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            return  # transaction control, not a query
        seen.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


class RawConnection:
    """The driver itself, no SQLAlchemy: sqlite3 or psycopg."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(url.split("///", 1)[1])
            from salessprint.store.search import vocab_statements

            for statement in vocab_statements():  # per connection, as the store's pool does (store/search.py)
                self.conn.execute(statement)
        else:
            import psycopg

            self.conn = psycopg.connect(_conninfo(url), autocommit=True)

    def run(self, statements: list[Statement]) -> None:
        cur = self.conn.cursor()
        for st in statements:
            cur.execute(st.sql, st.params)
            if cur.description is not None:
                cur.fetchall()
        cur.close()

    def plan(self, st: Statement, *, analyze: bool = True, seqscan: bool = True) -> dict[str, Any]:
        """Which big tables the statement scans in full, and (PostgreSQL) its time.

        With `seqscan=False` (PostgreSQL), the planner avoids sequential scans
        wherever any index can serve: a Seq Scan left in the plan is a table
        that no index can help for this statement.
        """
        if self.sqlite:
            rows = self.conn.execute(f"EXPLAIN QUERY PLAN {st.sql}", st.params or ()).fetchall()
            details = [r[-1] for r in rows]
            scans = sorted(
                {
                    d.split()[1]
                    for d in details
                    if d.startswith("SCAN ") and len(d.split()) > 1 and d.split()[1] in BIG_TABLES and "USING" not in d
                }
            )
            return {"full_scans": scans, "plan": details}
        import psycopg

        cur = psycopg.ClientCursor(self.conn)
        if not seqscan:
            cur.execute("SET enable_seqscan = off")
        try:
            options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
            cur.execute(f"EXPLAIN ({options}) {st.sql}", st.params)
            row = cur.fetchone()
            assert row is not None
            doc = row[0][0]
        finally:
            if not seqscan:
                cur.execute("RESET enable_seqscan")
        scans = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
                if analyze:
                    kept = node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
                    scans.append(
                        f"{node['Relation Name']} ({kept} rows kept, {node.get('Rows Removed by Filter', 0)} removed)"
                    )
                else:
                    scans.append(node["Relation Name"])
            for child in node.get("Plans", []):
                walk(child)

        walk(doc["Plan"])
        return {"full_scans": scans, "execution_ms": round(doc.get("Execution Time", 0.0), 2)}

    def close(self) -> None:
        self.conn.close()


def _median_ms(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2)


def measure_entry(store: Any, url: str, entry: Entry, runs: int, raw: RawConnection) -> dict[str, Any]:
    out: dict[str, Any] = {"name": entry.name, "group": entry.group, "target": entry.target}
    try:
        fn = resolve(entry.target)
    except Missing as exc:
        out["not_measured"] = str(exc)
        return out
    try:
        with recording(store.engine) as statements:
            fn(store, entry.login, **entry.kwargs)
    except TypeError as exc:
        out["not_measured"] = f"needs arguments, add them in benchmarks/reports.py: {exc}"
        return out
    except Exception as exc:
        out["not_measured"] = f"failed: {type(exc).__name__}: {str(exc)[:200]}"
        return out
    reads = [s for s in statements if s.sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    out["statements"] = len(statements)
    replay = len(reads) == len(statements)
    service_ms: list[float] = []
    raw_ms: list[float] = []
    # Interleaved, so that a busy machine slows both sides alike.
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(store, entry.login, **entry.kwargs)
        service_ms.append((time.perf_counter() - t0) * 1000)
        if replay:
            t0 = time.perf_counter()
            raw.run(statements)
            raw_ms.append((time.perf_counter() - t0) * 1000)
    out["ms"] = round(statistics.median(service_ms), 2)
    if replay:
        out["raw_ms"] = round(statistics.median(raw_ms), 2)
        out["ratio"] = round(out["ms"] / out["raw_ms"], 2) if out["raw_ms"] > 0 else None
    else:
        out["raw_ms"] = None
        out["note"] = "writes: raw replay skipped"
    plans = []
    for st in reads:
        try:
            plans.append(raw.plan(st))
        except Exception as exc:
            plans.append({"error": str(exc)[:200], "full_scans": []})
    out["full_scans"] = sorted({s for p in plans for s in p.get("full_scans", [])})
    if not raw.sqlite:
        out["explain_ms"] = round(sum(p.get("execution_ms", 0.0) for p in plans), 2)
    out["sql"] = [s.sql for s in reads]
    return out


def run_queries(url: str, runs: int, log: Any) -> list[dict[str, Any]]:
    from benchmarks.generate import ANCHOR
    from salessprint.domain import clock
    from salessprint.services import open_store

    results = []
    store = open_store(url)
    raw = RawConnection(url)
    try:
        with clock.freeze(ANCHOR):
            for entry in entries():
                res = measure_entry(store, url, entry, runs, raw)
                results.append(res)
                if "ms" in res:
                    log(
                        f"    {entry.name}: {res['ms']} ms (raw {res.get('raw_ms')} ms, {res['statements']} statements)"
                    )
                else:
                    log(f"    {entry.name}: not measured: {res['not_measured']}")
    finally:
        raw.close()
        store.dispose()
    return results


def run_writes(url: str, runs: int) -> dict[str, Any]:
    """Service-level writes on a scratch store: logging an activity, moving a card."""
    from benchmarks.generate import ANCHOR, BENCH_LOGIN
    from salessprint.domain import clock
    from salessprint.services import open_store
    from salessprint.services.activities import log_activity
    from salessprint.services.sprints import move_card, sprint_items

    out: dict[str, Any] = {}
    store = open_store(url)
    try:
        with clock.freeze(ANCHOR):
            log_activity(store, "rep01", kind="call", outcome="bench warm-up")
            out["log_activity_ms"] = _median_ms(
                lambda: log_activity(store, "rep01", kind="call", outcome="bench"), runs
            )
            card = next((c for c in sprint_items(store, BENCH_LOGIN) if c.status == "todo"), None)
            if card is not None:
                times = []
                for i in range(runs):
                    t0 = time.perf_counter()
                    move_card(store, BENCH_LOGIN, card.id, "doing" if i % 2 == 0 else "todo")
                    times.append((time.perf_counter() - t0) * 1000)
                out["move_card_ms"] = round(statistics.median(times), 2)
    finally:
        store.dispose()
    return out
