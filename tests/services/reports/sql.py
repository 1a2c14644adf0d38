"""The SQL a report runs: what the tests of a report's cost count and read."""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.queries import recording
from salessprint.store.db import Store


def statements(store: Store, call: Callable[[], object]) -> list[str]:
    """The statements `call` sends to `store`, each on one line."""
    with recording(store.engine) as seen:
        call()
    return [" ".join(s.sql.split()) for s in seen]
