"""The backlog filter's query at scale: one keystroke's statements, timed.

Builds (once, cached under the benchmark's data folder or `--db`) a team
whose 100,000 deals are all open, then times `backlog_page(text=...)` for
texts of one to five characters (medians of `runs` calls after a warm-up):
a one- or two-character text has no trigram and is matched by LIKE over
every open deal; three or more are read off the trigram index (migration
0012). Also run from `make bench` through `run_search` (benchmarks/__main__.py).

    python -m benchmarks.search --db /tmp/search.db [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import Size, build_store

SIZE = Size(
    "search",
    reps=50,
    deals=100_000,
    activities=2_000,
    sprints=12,
    accounts=8_000,
    items_per_rep=4,
    notes=10,
    changes=10,
)
LOGIN = "maria"
"""The generated team's manager."""
TEXTS = ("a", "ac", "acm", "ref", "(ref k", "ykgjl", "zzzzz", "rep01", "lead")
"""One and two letters (no trigram), common and rare words, a title's reference code, an owner, a stage."""


def build(path: Path) -> None:
    """The search store at `path`, every deal open (built only if missing)."""
    if path.exists():
        return
    from salessprint.domain import clock

    with clock.freeze(clock.now()):
        build_store(f"sqlite:///{path}", SIZE)
    with sqlite3.connect(path) as conn:  # every deal open, spread over the five open stages
        conn.execute("UPDATE deals SET closed_on = NULL, stage_id = 1 + (id % 5)")


def time_filter(url: str, runs: int, texts: tuple[str, ...] = TEXTS) -> list[dict[str, Any]]:
    """Median and worst milliseconds of one filter keystroke's service call per text."""
    from salessprint.services import open_store
    from salessprint.services.backlog import backlog_page

    store = open_store(url)
    out = []
    try:
        for text in texts:
            backlog_page(store, LOGIN, mine=False, text=text)  # warm-up
            times, cpu = [], []
            for _ in range(runs):
                t, c = time.perf_counter(), time.process_time()
                page = backlog_page(store, LOGIN, mine=False, text=text)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            out.append(
                {
                    "text": text,
                    "rows": len(page.rows),
                    "total": f"{page.total}{'+' if page.total_capped else ''}",
                    "median_ms": round(statistics.median(times), 2),
                    "max_ms": round(max(times), 2),
                    "cpu_median_ms": round(statistics.median(cpu), 2),
                    "load_average": os.getloadavg()[0],
                }
            )
    finally:
        store.dispose()
    return out


def run_search(workdir: Path, runs: int = 11) -> list[dict[str, Any]]:
    """`make bench`'s case: the search store under `workdir`, timed."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "search-100k-open.db"
    build(path)
    return time_filter(f"sqlite:///{path}", runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("search-100k-open.db"))
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    build(args.db)
    for row in time_filter(f"sqlite:///{args.db}", args.runs):
        print(
            f"{row['text']!r:>10}  {row['rows']:>4} rows  total {row['total']:>6}  "
            f"median {row['median_ms']:7.2f} ms  max {row['max_ms']:7.2f} ms  CPU {row['cpu_median_ms']:7.2f} ms  "
            f"load {row['load_average']:.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
