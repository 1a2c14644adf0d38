"""No N+1: what the screens and reports load costs the same number of
statements on a team four times larger, and lists come in windows.

The calls measured are those of the benchmark's registry
(benchmarks/reports.py), so a report or screen query registered there is
checked here too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generate import BENCH_LOGIN, Size, build_store
from benchmarks.queries import recording
from benchmarks.reports import Entry, Missing, entries, resolve
from salessprint.domain import clock
from salessprint.services import open_store
from salessprint.store.db import Store
from tests.conftest import FROZEN_NOW

SMALL = Size(
    "count-a", reps=3, deals=200, activities=1_000, sprints=5, accounts=30, items_per_rep=3, notes=5, changes=20
)
LARGER = Size(
    "count-b", reps=8, deals=800, activities=4_000, sprints=10, accounts=80, items_per_rep=4, notes=20, changes=80
)
MAX_STATEMENTS = {"list": 8, "screen": 8, "report": 16, "dashboard": 32}
"""Round trips allowed per call: a dashboard gathers several reports in one go."""

ENTRIES = [e for e in entries() if e.group in ("list", "screen", "report", "dashboard")]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    folder: Path = tmp_path_factory.mktemp("counts")
    out: dict[str, Store] = {}
    with clock.freeze(FROZEN_NOW):
        for size in (SMALL, LARGER):
            url = f"sqlite:///{folder / size.name}.db"
            build_store(url, size)
            out[size.name] = open_store(url)
    yield out
    for store in out.values():
        store.dispose()


def require_present(entry: Entry) -> None:
    """A registered function that is renamed or gone fails the guard (it must not silently stop being checked)."""
    try:
        resolve(entry.target)
    except Missing as exc:
        pytest.fail(
            f"{entry.name}: the benchmarked function is renamed or missing ({exc}); update benchmarks/reports.py"
        )


def count_statements(store: object, entry: Entry) -> tuple[int, list[str], object]:
    fn = resolve(entry.target)
    with clock.freeze(FROZEN_NOW), recording(store.engine) as seen:  # type: ignore[attr-defined]
        result = fn(store, entry.login, **entry.kwargs)
    return len(seen), [s.sql for s in seen], result


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_statement_count_does_not_grow_with_the_team(stores, entry: Entry) -> None:
    require_present(entry)
    small, small_sql, _ = count_statements(stores[SMALL.name], entry)
    larger, _, _ = count_statements(stores[LARGER.name], entry)
    assert larger == small, f"{entry.name}: {small} statements on {SMALL.deals} deals, {larger} on {LARGER.deals}"
    assert small <= MAX_STATEMENTS[entry.group], small_sql


def _rows(result: object) -> list[object]:
    if isinstance(result, list):
        return result
    rows = getattr(result, "rows", None)
    return list(rows) if rows is not None else []


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.group == "list"], ids=lambda e: e.name)
def test_lists_are_windowed(stores, entry: Entry) -> None:
    require_present(entry)
    _n, sql, result = count_statements(stores[LARGER.name], entry)
    assert any("LIMIT" in s.upper() for s in sql), f"{entry.name} reads without LIMIT: {sql}"
    assert len(_rows(result)) <= 100


def test_deal_list_page_is_a_window_of_the_whole(stores) -> None:
    """The windowed list pages through the same rows as one big read."""
    from salessprint.services.deals import list_deals

    store = stores[LARGER.name]
    with clock.freeze(FROZEN_NOW):
        whole = [d.id for d in list_deals(store, BENCH_LOGIN, limit=150)]
        paged = [d.id for off in (0, 50, 100) for d in list_deals(store, BENCH_LOGIN, limit=50, offset=off)]
    assert paged == whole and len(whole) == 150


def test_deal_list_reads_columns_not_objects(stores) -> None:
    """A page of deals is read as plain columns (no ORM objects and their eager
    joins) and gives exactly the values deal_view makes from the objects."""
    from salessprint.services.deals import _collaborators_for, list_deals
    from salessprint.services.views import deal_view
    from salessprint.store.models import Deal

    store = stores[LARGER.name]
    with clock.freeze(FROZEN_NOW), recording(store.engine) as seen:
        page = list_deals(store, BENCH_LOGIN, open_only=True, limit=40)
    assert page and not any("deals.external_id" in s.sql or "accounts_1" in s.sql for s in seen)
    with store.session() as session:
        ids = [d.id for d in page]
        collab = _collaborators_for(session, ids)
        assert page == [deal_view(session.get(Deal, i), collab.get(i, [])) for i in ids]


SCREEN_OPENS = [
    # (screen and who opens it, what its first open reads, login, statements pinned)
    ("Today (rep)", "salessprint.services.today:today", "rep01", 7),
    ("Today (manager)", "salessprint.services.today:today", BENCH_LOGIN, 7),
    ("Planning (rep)", "salessprint.tui.screens.planning:load_planning", "rep01", 9),
    ("Planning (manager)", "salessprint.tui.screens.planning:load_planning", BENCH_LOGIN, 9),
    ("Pipeline (rep)", "salessprint.services.pipeline_view:pipeline", "rep01", 3),
    ("Pipeline (manager)", "salessprint.services.pipeline_view:pipeline", BENCH_LOGIN, 3),
    ("Activity (rep)", "salessprint.services.activity_view:my_goals", "rep01", 4),
    ("Activity (manager)", "salessprint.services.activity_view:my_goals", BENCH_LOGIN, 4),
    ("Retro (rep)", "salessprint.services.retro:retro_board", "rep01", 4),
    ("Retro (manager)", "salessprint.services.retro:retro_board", BENCH_LOGIN, 4),
    ("Dashboard (rep: no coaching)", "salessprint.services.reports.dashboard:dashboard", "rep01", 15),
    ("Dashboard (manager)", "salessprint.services.reports.dashboard:dashboard", BENCH_LOGIN, 19),
    ("Review (rep)", "salessprint.services.reports.review:review", "rep01", 20),
    ("Review (manager)", "salessprint.services.reports.review:review", BENCH_LOGIN, 20),
]
"""What each screen's key reads in its worker (one service call), and the
statements it costs, pinned: a change that adds a round trip to a first open
changes the figure here on purpose, or fails."""


@pytest.mark.parametrize(("screen", "target", "login", "pinned"), SCREEN_OPENS, ids=[s[0] for s in SCREEN_OPENS])
def test_each_screens_first_open_costs_its_pinned_statements(stores, screen, target, login, pinned) -> None:
    fn = resolve(target)
    counts = []
    for size in (SMALL, LARGER):
        with clock.freeze(FROZEN_NOW), recording(stores[size.name].engine) as seen:
            fn(stores[size.name], login)
        counts.append(len(seen))
    assert counts == [pinned, pinned], f"{screen}: {counts} statements on {SMALL.deals} and {LARGER.deals} deals"
