"""The benchmark's raw-driver replay runs every statement a service ran, the
two-letter backlog filter's too (it reads TEMP vocabulary tables that each
pooled connection makes for itself, outside the recorded statements)."""

from __future__ import annotations

import pytest

from benchmarks.generate import SIZES, build_store
from benchmarks.queries import RawConnection, measure_entry
from benchmarks.reports import REGISTRY
from salessprint.services import open_store


@pytest.mark.parametrize("name", ["backlog filtered (team)", "open deals filtered"])
def test_the_two_letter_filter_replays_on_the_raw_driver(sqlite_url: str, name: str) -> None:
    build_store(sqlite_url, SIZES["tiny"])
    store = open_store(sqlite_url)
    raw = RawConnection(sqlite_url)
    try:
        entry = next(e for e in REGISTRY if e.name == name)
        out = measure_entry(store, sqlite_url, entry, 2, raw)
    finally:
        raw.conn.close()
        store.dispose()
    assert "not_measured" not in out, out
    assert out["statements"] > 0 and out.get("raw_ms") is not None, out
