"""Figures of closed sprints, computed once and kept.

Closing a sprint writes each card's outcome and points (its snapshot), and a
close is never undone, so a closed sprint's figures never change: the review,
the dashboard and the sprint report read them once per store and process, then
reuse them. Open sprints are always read afresh (live refresh shows them
moving). Kept per engine (a store opened again, or another store, starts
empty), keyed by the sprint's id, its close time and the schema's revision.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from salessprint.domain.enums import SprintState
from salessprint.services.uow import UnitOfWork
from salessprint.store.db import schema_head
from salessprint.store.models import Sprint

T = TypeVar("T")

KEPT_PER_STORE = 1024
"""Figures kept per store (the oldest go first): a few per closed sprint."""

_kept: WeakKeyDictionary[Any, OrderedDict[Hashable, Any]] = WeakKeyDictionary()
_lock = threading.Lock()


def kept_figures(uow: UnitOfWork, sprint: Sprint, what: str, compute: Callable[[], T]) -> T:
    """`compute()` for an open sprint; for a closed one, the figures computed
    the first time (`what` names them: each report keeps its own)."""
    if sprint.state != SprintState.CLOSED:
        return compute()
    engine = uow.session.get_bind()
    key = (what, sprint.id, sprint.closed_at, schema_head())
    with _lock:
        found = _kept.get(engine)
        if found is not None and key in found:
            found.move_to_end(key)
            value: T = found[key]
            return value
    value = compute()
    with _lock:
        store_kept = _kept.setdefault(engine, OrderedDict())
        store_kept[key] = value
        while len(store_kept) > KEPT_PER_STORE:
            store_kept.popitem(last=False)
    return value
