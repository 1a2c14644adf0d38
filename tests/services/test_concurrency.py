"""Several OS processes writing to one store at once: nothing lost, no double close.

Each worker process imports salessprint, waits for a shared "go" file so
that all of them start together, then runs real command lines through the
click entry point (many in one process, so the test takes seconds).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from salessprint.services.activities import list_activities
from salessprint.services.deals import add_deal, get_deal
from salessprint.services.history import history
from salessprint.services.sprints import add_item, list_sprints, plan_sprint, sprint_items, start_sprint
from salessprint.services.tasks import add_task, move_task
from tests.conftest import FROZEN_NOW
from tests.templates import team_copy

# Runs `salessprint ARGS...` N times (ARGS may use {i}); prints one JSON line per run.
CLI_WORKER = r"""
import json, os, sys, time
import click
from salessprint.cli import cli
go, n, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
open(f"{go}.ready.{os.getpid()}", "w").close()  # imported and connected: waiting for the start
while not os.path.exists(go):
    time.sleep(0.005)
for i in range(n):
    try:
        cli.main([a.replace("{i}", str(i)) for a in args], prog_name="salessprint", standalone_mode=False)
        print(json.dumps({"ok": True}), flush=True)
    except click.ClickException as exc:
        print(json.dumps({"ok": False, "error": exc.message}), flush=True)
"""

# Edits one deal from a version read before the start signal.
EDIT_WORKER = r"""
import json, os, sys, time
from salessprint.domain.errors import StaleWrite
from salessprint.services import open_store
from salessprint.services.deals import update_deal
go, url, login, deal_id, version, step = sys.argv[1:7]
store = open_store(url)
open(f"{go}.ready.{os.getpid()}", "w").close()  # imported and connected: waiting for the start
while not os.path.exists(go):
    time.sleep(0.005)
try:
    view = update_deal(store, login, int(deal_id), expected_version=int(version), next_step=step)
    print(json.dumps({"ok": True, "version": view.version}))
except StaleWrite as exc:
    print(json.dumps({"ok": False, "error": exc.message, "current": exc.current}))
"""


@pytest.fixture
def team_url(db_url: str, frozen) -> str:
    store = team_copy(db_url)
    store.dispose()
    return db_url


def run_together(go: Path, commands: list[list[str]], timeout: float = 120) -> list[tuple[int, list[dict[str, Any]]]]:
    """Start every command, release them at once, collect (exit code, JSON lines)."""
    env = {**os.environ, "SALESSPRINT_NOW": FROZEN_NOW.isoformat()}
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for cmd in commands
    ]
    # Release them once every one is ready (imports done, waiting), not after a guessed pause.
    deadline = time.monotonic() + timeout
    while len(list(go.parent.glob(f"{go.name}.ready.*"))) < len(procs) and time.monotonic() < deadline:
        if any(proc.poll() is not None for proc in procs):
            break  # one failed early: communicate() below reports it
        time.sleep(0.01)
    go.touch()
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=timeout)
        lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
        assert proc.returncode == 0, stderr[-2000:]
        out.append((proc.returncode, lines))
    return out


def cli_worker(go: Path, n: int, *args: str) -> list[str]:
    return [sys.executable, "-c", CLI_WORKER, str(go), str(n), *args]


def test_simultaneous_activity_logs_all_count(team_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    logins = ["rita", "rob", "max", "ada", "rita"]
    # 5 x 40 on PostgreSQL (the team store); 5 x 10 on SQLite keeps the suite quick.
    n = 40 if team_url.startswith("postgresql") else 10
    started = time.perf_counter()
    results = run_together(
        go,
        [
            cli_worker(go, n, "--db", team_url, "--as", login, "log", "call", "--outcome", f"{login} w{w} #{{i}}")
            for w, login in enumerate(logins)
        ],
    )
    elapsed = time.perf_counter() - started
    assert all(line["ok"] for _, lines in results for line in lines), results
    assert sum(len(lines) for _, lines in results) == 5 * n

    from salessprint.services import open_store

    store = open_store(team_url)
    try:
        logged = list_activities(store, "max", limit=1000)
        assert len(logged) == 5 * n
        per = {login: sum(1 for a in logged if a.login == login) for login in set(logins)}
        assert per == {"rita": 2 * n, "rob": n, "max": n, "ada": n}
        assert len({a.outcome for a in logged}) == 5 * n  # every single write, none twice
        assert sum(1 for c in history(store, "max", limit=1000) if c.entity == "activity") == 5 * n
    finally:
        store.dispose()
    print(f"{5 * n} activity logs from 5 processes in {elapsed:.1f}s")


def test_two_clients_editing_one_deal_one_wins_the_other_sees_the_fresh_row(team_url: str, tmp_path: Path) -> None:
    from salessprint.services import open_store

    store = open_store(team_url)
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="1000")
    from salessprint.services.deals import add_collaborator

    add_collaborator(store, "rita", deal.id, "rob")
    deal = get_deal(store, "rita", deal.id)
    go = tmp_path / "go"
    results = run_together(
        go,
        [
            [sys.executable, "-c", EDIT_WORKER, str(go), team_url, login, str(deal.id), str(deal.version), step]
            for login, step in (("rita", "Call the CFO"), ("rob", "Send the contract"))
        ],
    )
    outcomes = [lines[0] for _, lines in results]
    winners = [o for o in outcomes if o["ok"]]
    losers = [o for o in outcomes if not o["ok"]]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    final = get_deal(store, "max", deal.id)
    store.dispose()
    assert final.version == deal.version + 1 == winners[0]["version"]
    assert f"Someone else changed deal #{deal.id} since you opened it" in losers[0]["error"]
    # The refused client is shown the row as the winner left it.
    assert losers[0]["current"]["next_step"] == final.next_step
    assert losers[0]["current"]["version"] == final.version


def test_two_simultaneous_sprint_closes_close_exactly_once(team_url: str, tmp_path: Path) -> None:
    from salessprint.services import open_store

    store = open_store(team_url)
    tasks = [add_task(store, "max", title=f"Task {i}", assignee="rita", points="2") for i in range(6)]
    plan_sprint(store, "max", goal="Ship Q4")
    for t in tasks:
        add_item(store, "max", "task", t.id)
    start_sprint(store, "max")
    move_task(store, "rita", tasks[0].id, "done")
    go = tmp_path / "go"
    results = run_together(
        go,
        [
            cli_worker(go, 1, "--db", team_url, "--as", login, "sprint", "close", "--carry-over")
            for login in ("max", "ada")
        ],
    )
    outcomes = [lines[0] for _, lines in results]
    assert sorted(o["ok"] for o in outcomes) == [False, True], outcomes
    refused = next(o for o in outcomes if not o["ok"])
    assert "no active sprint" in refused["error"] or "changed" in refused["error"]

    sprints = list_sprints(store, "max")
    assert [(s.number, s.state) for s in sprints] == [(1, "closed"), (2, "planned")]
    carried = sprint_items(store, "max", 2)
    assert sorted(c.item_id for c in carried) == sorted(t.id for t in tasks[1:])  # once each
    closed = sprint_items(store, "max", 1)
    assert sorted(c.outcome or "" for c in closed) == ["carried_over"] * 5 + ["done"]
    store.dispose()
