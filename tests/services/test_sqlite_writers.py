"""Simultaneous writers on the embedded store queue up instead of failing."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from salessprint.services import open_store
from salessprint.services.activities import list_activities, log_activity
from salessprint.services.members import add_member
from salessprint.services.team import init_team


def test_parallel_activity_logs_on_sqlite_all_count(tmp_path: Path, frozen) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    setup = open_store(url, check_schema=False)
    init_team(setup, "T", "ada")
    for login in ("r1", "r2", "r3", "r4"):
        add_member(setup, "ada", login=login, name=login)
    setup.dispose()

    def worker(login: str) -> None:
        store = open_store(url)  # a separate engine, like a separate process
        for _ in range(25):
            log_activity(store, login, kind="call")
        store.dispose()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(worker, ["r1", "r2", "r3", "r4"]))
    check = open_store(url)
    assert len(list_activities(check, "ada", limit=1000)) == 100
    check.dispose()


def test_a_schema_check_inside_a_unit_of_work_does_not_wait_for_itself(tmp_path: Path, frozen) -> None:
    from salessprint.services.uow import unit_of_work

    store = open_store(f"sqlite:///{tmp_path / 's.db'}", check_schema=False)
    init_team(store, "T", "ada")
    with unit_of_work(store, "ada"):
        assert store.schema_state().up_to_date
    store.dispose()
