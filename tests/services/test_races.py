"""Many processes racing for a rule the store allows once (migration 0004):
one card per item per sprint, one planned sprint, one team, one account by
name. The database keeps the rule, the losers' use cases run again
(services/uow.py `retrying`) and each loser is told plainly.

Racers are forked from the test process (salessprint is imported already,
so 20 of them start in well under a second); each opens its own store,
says it is ready, and waits for the start signal: no guessed pauses.
Then deadlocks: retried, and told "busy" when retrying does not help; and a
version check racing a stage change is a stale write, not a crash.
"""

from __future__ import annotations

import functools
import multiprocessing
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text

from salessprint.domain.errors import SalesSprintError, StaleWrite, StoreBusy
from salessprint.services import open_store
from salessprint.services.deals import add_deal, get_deal, list_deals, update_deal
from salessprint.services.sprints import add_item, list_sprints, plan_sprint, sprint_items, start_sprint
from salessprint.services.team import init_team
from salessprint.services.uow import retrying, unit_of_work
from salessprint.store.db import STORE_BUSY, Store
from salessprint.store.models import Account, Deal, Stage, Team
from tests.templates import team_copy

FORK = multiprocessing.get_context("fork")


def racers(url: str) -> int:
    """20 at once on PostgreSQL; SQLite queues its writers, 8 show the same."""
    return 20 if url.startswith("postgresql") else 8


def _racer(url: str, call: Callable[[Store, int], object], i: int, ready: Any, go: Any, out: Any) -> None:
    try:
        store = Store(url)  # no schema check: a race to `init` may start on an empty store
        store.check_connection()
        ready.put(i)
        go.wait(60)
        call(store, i)
        out.put((i, None))
    except SalesSprintError as exc:
        out.put((i, f"{type(exc).__name__}: {exc.message}"))
    except BaseException as exc:  # a crash is a failure of the test, reported as such
        out.put((i, f"CRASH {type(exc).__name__}: {exc}"))


def race(url: str, call: Callable[[Store, int], object], n: int | None = None) -> list[str | None]:
    """Run `call(store, i)` in n processes released at once; each one's error (None: it won)."""
    n = n or racers(url)
    ready, out, go = FORK.Queue(), FORK.Queue(), FORK.Event()
    procs = [FORK.Process(target=_racer, args=(url, call, i, ready, go, out)) for i in range(n)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=60)  # every racer connected and waiting
    go.set()
    results = dict(out.get(timeout=60) for _ in procs)
    for proc in procs:
        proc.join(timeout=60)
    return [results[i] for i in range(n)]


@pytest.fixture
def team_url(db_url: str, frozen: object) -> str:
    store = team_copy(db_url)
    store.dispose()  # nothing pooled crosses the fork
    return db_url


def _pull_deal(deal_id: int, store: Store, _i: int) -> object:
    return add_item(store, "max", "deal", deal_id)


def test_one_card_per_deal_per_sprint(team_url: str) -> None:
    """Three rounds, a deal each, every racer pulling the same deal in."""
    store = open_store(team_url)
    deals = [add_deal(store, "rita", title=f"Renewal {i}", account="Acme", value="1000", points="3") for i in range(3)]
    sprint = plan_sprint(store, "max", goal="Q4")
    store.dispose()

    for deal in deals:
        errors = race(team_url, functools.partial(_pull_deal, deal.id))

        assert errors.count(None) == 1, errors
        assert [e for e in errors if e is not None] == [
            f"Conflict: Deal #{deal.id} is already in sprint {sprint.number}."
        ] * (len(errors) - 1)
    store = open_store(team_url)
    cards = sprint_items(store, "max", sprint.number)
    store.dispose()
    assert sorted((c.item_id, c.points) for c in cards) == [(d.id, 3) for d in deals]  # 9 points, not 3 x 20


def test_one_planned_and_one_active_sprint_per_team(team_url: str) -> None:
    """Everyone plans, everyone starts, everyone plans again."""
    for number in (1, 2):
        errors = race(team_url, lambda s, _i: plan_sprint(s, "max"))

        assert errors.count(None) == 1, errors
        losers = [e for e in errors if e is not None]
        assert all(e.startswith(f"Conflict: A sprint is already planned: sprint {number} (") for e in losers), losers
        if number == 1:
            errors = race(team_url, lambda s, _i: start_sprint(s, "max"))

            assert errors.count(None) == 1, errors
            plain = {
                "Conflict: Sprint 1 is still active: close it first ('salessprint sprint close').",
                "NotFound: There is no planned sprint to start: run 'salessprint sprint plan' first.",
            }
            assert {e for e in errors if e is not None} <= plain, errors
    store = open_store(team_url)
    assert [(s.number, s.state) for s in list_sprints(store, "max")] == [(1, "active"), (2, "planned")]
    store.dispose()


@pytest.mark.parametrize("schema", ["empty store", "schema made"])
def test_one_team_per_store(db_url: str, frozen: object, schema: str) -> None:
    """On an empty store the racers also race to create the schema: the
    migrations run one at a time (migrations/env.py)."""
    if schema == "schema made":
        store = Store(db_url)
        store.upgrade()  # the race is for the team row alone
        store.dispose()

    errors = race(db_url, lambda s, i: init_team(s, f"Team {i}", f"admin{i}"))

    assert errors.count(None) == 1, errors
    assert [e for e in errors if e is not None] == [
        "Conflict: This store already holds a team; use another --db for a new one."
    ] * (len(errors) - 1)
    store = Store(db_url)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 1
    store.dispose()


def test_deals_on_a_new_account_share_it(team_url: str) -> None:
    logins = ["rita", "rob", "max", "ada"]

    errors = race(
        team_url,
        lambda s, i: add_deal(s, logins[i % 4], title=f"Deal {i}", account="Newco", value="100"),
    )

    assert errors == [None] * len(errors)
    store = open_store(team_url)
    deals = list_deals(store, "max", limit=100)
    with store.session() as session:
        accounts = session.scalars(select(Account.name)).all()
    store.dispose()
    assert accounts == ["Newco"]
    assert sorted(d.title for d in deals) == sorted(f"Deal {i}" for i in range(len(errors)))
    assert {d.account for d in deals} == {"Newco"}


def test_a_use_case_that_stays_busy_is_retried_then_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("salessprint.services.core_uow.PAUSE", 0.0)  # where @retrying reads it
    runs: list[int] = []

    @retrying
    def always_deadlocked() -> None:
        runs.append(1)
        raise StoreBusy(STORE_BUSY)

    with pytest.raises(StoreBusy, match=r"^The store is busy; try again\.$"):
        always_deadlocked()
    assert len(runs) == 4


def _lock_two(store: Store, first: int, second: int, both_hold_one: threading.Barrier, tries: list[str]) -> None:
    @retrying
    def use_case() -> None:
        tries.append("try")
        with unit_of_work(store, "ada") as uow:
            lock = text("SELECT id FROM deals WHERE id = :id FOR UPDATE")
            uow.session.execute(lock, {"id": first})
            if len(tries) == 1:
                both_hold_one.wait(30)
            uow.session.execute(lock, {"id": second})
            uow.session.execute(text("UPDATE deals SET next_step = 'both' WHERE id = :id"), {"id": second})

    use_case()


@pytest.mark.postgres
def test_a_deadlock_is_retried_and_both_writes_land(pg_url: str, frozen: object) -> None:
    store = team_copy(pg_url)
    a = add_deal(store, "rita", title="A", account="Acme", value="1")
    b = add_deal(store, "rita", title="B", account="Acme", value="1")
    both_hold_one = threading.Barrier(2)
    tries: dict[str, list[str]] = {"ab": [], "ba": []}
    failures: list[BaseException] = []

    def run(first: int, second: int, key: str) -> None:
        try:
            _lock_two(store, first, second, both_hold_one, tries[key])
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=run, args=(a.id, b.id, "ab")),
        threading.Thread(target=run, args=(b.id, a.id, "ba")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sorted(len(t) for t in tries.values()) == [1, 2]  # PostgreSQL aborted one; it ran again and won
    assert {get_deal(store, "max", d.id).next_step for d in (a, b)} == {"both"}
    store.dispose()


@pytest.mark.postgres
def test_a_version_check_racing_a_stage_change_is_a_stale_write(pg_url: str, frozen: object) -> None:
    """The stage change holds the deal's row; the edit waits for it, then finds
    the deal changed (before: `Could not refresh instance`, 'Something went wrong')."""
    store = team_copy(pg_url)
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="1000")
    outcome: queue.Queue[BaseException | None] = queue.Queue()

    def edit() -> None:
        try:
            update_deal(store, "rita", deal.id, expected_version=deal.version, next_step="Call")
            outcome.put(None)
        except BaseException as exc:
            outcome.put(exc)

    with unit_of_work(store, "rita") as uow:
        row = uow.session.get(Deal, deal.id)
        assert row is not None
        qualified = uow.session.scalar(select(Stage.id).where(Stage.name == "Qualified"))
        assert qualified is not None
        row.stage_id = qualified
        uow.session.flush()  # holds the row lock until this block commits
        editor = threading.Thread(target=edit)
        editor.start()
        deadline = time.monotonic() + 20
        with store.engine.connect() as watch:
            waiting = (
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            while not watch.execute(text(waiting)).scalar() and time.monotonic() < deadline:
                watch.rollback()
        assert time.monotonic() < deadline, "the edit never waited for the stage change"
    editor.join(30)
    error = outcome.get(timeout=5)
    assert isinstance(error, StaleWrite), repr(error)
    assert error.message.startswith(f"Someone else changed deal #{deal.id} since you opened it")
    assert error.current is not None and error.current["version"] == deal.version + 1
    store.dispose()


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__("server said no")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("40P01", r"^The store is busy; try again\.$"),  # deadlock
        ("40001", r"^The store is busy; try again\.$"),  # serialization failure
        ("57014", r"^The store is busy; try again\.$"),  # statement timeout
        ("42501", r"refused the request \(SQLSTATE 42501\)"),  # reached, and said no
        (None, r"^Cannot reach the database"),  # no answer at all
        ("08006", r"^Cannot reach the database"),
        ("57P01", r"^Cannot reach the database"),  # the server is shutting down
    ],
)
def test_cannot_reach_is_said_only_when_the_server_did_not_answer(code: str | None, message: str) -> None:
    from sqlalchemy.exc import OperationalError

    from salessprint.store.db import describe_failure, parse_url

    failure = OperationalError("SELECT 1", {}, _DriverError(code))
    assert re.search(message, describe_failure(parse_url("postgresql://u@db.example/sales"), failure))


def test_a_deadlock_in_a_use_case_is_store_busy_not_an_outage(sqlite_url: str, frozen: object) -> None:
    from sqlalchemy.exc import OperationalError

    store = team_copy(sqlite_url)
    with pytest.raises(StoreBusy, match=r"^The store is busy; try again\.$"), unit_of_work(store, "ada"):
        raise OperationalError("UPDATE deals", {}, _DriverError("40P01"))
    store.dispose()


@pytest.mark.postgres
def test_a_stage_move_aborted_as_a_deadlock_is_retried_and_lands(
    pg_url: str, frozen: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`move_deal` holds the deal and waits for its sprint card, which another
    transaction holds while it waits for the deal: PostgreSQL aborts the
    move (it waited first, so its deadlock check runs first). `@retrying`
    runs it again once the other commits; before, the rep read "busy"."""
    from salessprint.services import deals

    store = team_copy(pg_url)
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="1000", points="3")
    plan_sprint(store, "max", goal="Q4")
    add_item(store, "max", "deal", deal.id)
    runs: list[int] = []
    counted = unit_of_work

    def counting(*args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("read_only"):
            runs.append(1)
        return counted(*args, **kwargs)

    monkeypatch.setattr("salessprint.services.deals.unit_of_work", counting)
    outcome: queue.Queue[BaseException | None] = queue.Queue()

    def move() -> None:
        try:
            deals.move_deal(store, "rita", deal.id, "Won", expected_version=deal.version)
            outcome.put(None)
        except BaseException as exc:
            outcome.put(exc)

    with store.engine.connect() as other:
        other.execute(text("SET LOCAL deadlock_timeout = '20s'"))  # the move's check (1 s) runs first
        other.execute(text("SELECT id FROM sprint_items WHERE deal_id = :id FOR UPDATE"), {"id": deal.id})
        mover = threading.Thread(target=move)
        mover.start()
        deadline = time.monotonic() + 20
        with store.engine.connect() as watch:
            waiting = (
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            while not watch.execute(text(waiting)).scalar() and time.monotonic() < deadline:
                watch.rollback()
        assert time.monotonic() < deadline, "the move never waited for the card"
        other.execute(text("UPDATE deals SET next_step = 'Sign' WHERE id = :id"), {"id": deal.id})  # the cycle
        other.commit()
    mover.join(30)
    assert outcome.get(timeout=5) is None
    assert len(runs) == 2  # aborted once, then run again
    moved = get_deal(store, "max", deal.id)
    assert (moved.stage, moved.next_step) == ("Won", "Sign")
    assert [c.status for c in sprint_items(store, "max")] == ["done"]
    store.dispose()


def test_edits_without_a_version_all_land(team_url: str) -> None:
    """Everyone edits the same deal at once, none from a form that showed a
    version (`deal edit` on the command line): each edit applies to the row
    as the one before left it. Before, PostgreSQL's losers matched no row
    at the version they had read and were told 'changed at the same moment'."""
    store = open_store(team_url)
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="1000")
    store.dispose()

    errors = race(team_url, lambda s, i: update_deal(s, "rita", deal.id, next_step=f"Step {i}"))

    assert errors == [None] * len(errors)
    store = open_store(team_url)
    edited = get_deal(store, "max", deal.id)
    store.dispose()
    assert edited.version == deal.version + len(errors)  # every edit counted, none lost
    assert edited.next_step in {f"Step {i}" for i in range(len(errors))}


def test_a_row_changed_at_the_same_moment_is_named_and_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.orm.exc import StaleDataError

    from salessprint.services.uow import ChangedMeanwhile, _plain_error

    stale = StaleDataError("UPDATE statement on table 'tasks' expected to update 1 row(s); 0 were matched.")
    plain = _plain_error(Store("sqlite://"), stale)
    assert isinstance(plain, ChangedMeanwhile) and isinstance(plain, StaleWrite)
    assert plain.message == "Someone else changed this task at the same moment; reload and try again."

    monkeypatch.setattr("salessprint.services.core_uow.PAUSE", 0.0)  # where @retrying reads it
    runs: list[int] = []

    @retrying
    def loses_once() -> str:
        runs.append(1)
        if len(runs) == 1:
            raise plain
        return "done"

    assert loses_once() == "done" and len(runs) == 2
