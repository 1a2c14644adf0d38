"""The permission matrix, enforced by the services, on both backends.

Every case is run as each role (rep 'rita', manager 'max', admin 'ada'); the
expected outcome comes from the table below, which docs/permissions.md shows
to humans. A refusal must raise PermissionDenied naming the role needed and
leave the store untouched; an allowed write must land in the change log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner

from salessprint.domain import clock
from salessprint.domain.errors import PermissionDenied
from salessprint.services import (
    activities,
    archive,
    deals,
    history,
    members,
    notes,
    retro,
    sprints,
    targets,
    tasks,
    undo,
)
from salessprint.services.changes import latest_change_id
from salessprint.services.importing import import_deals
from salessprint.services.reports import coaching, one_on_one, velocity
from salessprint.services.uow import unit_of_work
from salessprint.store.lookups import sprint_in_state
from salessprint.store.roles import drop_lines
from tests.conftest import FROZEN_NOW
from tests.team_helpers import make_team

ROLES = {"rep": "rita", "manager": "max", "admin": "ada"}
RANK = {"rep": 0, "manager": 1, "admin": 2}


@dataclass(frozen=True)
class Case:
    name: str
    least: str  # the least role that may act
    act: Callable[[Any, str, dict[str, Any]], Any]
    setup: Callable[[Any], dict[str, Any]] = lambda store: {}
    writes: bool = True


def _archived(store: Any, owner: str) -> int:
    deal_id = _deal(store, owner)
    deals.delete_deal(store, "ada", deal_id)
    return deal_id


def _deal(store: Any, owner: str, collaborator: str | None = None) -> int:
    view = deals.add_deal(store, "ada", title=f"Deal {uuid.uuid4().hex[:6]}", account="Acme", value="1000", owner=owner)
    if collaborator:
        deals.add_collaborator(store, "ada", view.id, collaborator)
    return view.id


def _task(store: Any, assignee: str) -> int:
    return tasks.add_task(store, "ada", title=f"Task {uuid.uuid4().hex[:6]}", assignee=assignee, points="1").id


def _sprint_state(store: Any, want: str) -> dict[str, Any]:
    """Bring the team to a planned (not active) or an active sprint, as the admin (nothing for the action to use)."""
    from salessprint.domain.enums import SprintState

    def exists(state: SprintState) -> bool:
        with unit_of_work(store, "ada") as uow:
            return sprint_in_state(uow.session, uow.actor.team_id, state) is not None

    if want == "planned" and exists(SprintState.ACTIVE):
        sprints.close_sprint(store, "ada")
    if not exists(SprintState.PLANNED) and not (want == "active" and exists(SprintState.ACTIVE)):
        sprints.plan_sprint(store, "ada")
    if want == "active" and not exists(SprintState.ACTIVE):
        sprints.start_sprint(store, "ada")
    return {}


def _retro_entry(store: Any, author: str) -> int:
    _sprint_state(store, "active")
    return retro.add_entry(store, author, "went_well", f"Good week {uuid.uuid4().hex[:6]}").id


def _maven_file(store: Any) -> dict[str, Any]:
    """A two-deal export in the Maven layout, in a folder of its own."""
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="matrix-import-"))
    path = folder / "sales_pipeline.csv"
    path.write_text(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
        f"{uuid.uuid4().hex[:8].upper()},Rita Rep,GTX Basic,Acme,Won,2026-10-01,2026-11-02,550\n"
        f"{uuid.uuid4().hex[:8].upper()},Rob Rep,MG Special,Beta,Engaging,2026-11-01,,\n",
        encoding="utf-8",
    )
    return {"path": path}


CASES = [
    # Manager-only reading, and the admin's import.
    Case("read the coaching flags", "manager", lambda s, who, w: coaching.coaching(s, who), writes=False),
    Case("read a rep's 1:1 agenda", "manager", lambda s, who, w: one_on_one.one_on_one(s, who, "rob"), writes=False),
    Case("import deals", "admin", lambda s, who, w: import_deals(s, who, w["path"], "maven"), setup=_maven_file),
    # Members and team settings: admins.
    Case(
        "add a member",
        "admin",
        lambda s, who, w: members.add_member(s, who, login=f"m{uuid.uuid4().hex[:8]}", name="New Rep", role="rep"),
    ),
    # Targets: managers for anyone, a rep for themself.
    Case(
        "set someone else's target",
        "manager",
        lambda s, who, w: targets.set_target(s, who, login="rob", metric="calls", amount="50", period="week"),
    ),
    Case(
        "set my own target",
        "rep",
        lambda s, who, w: targets.set_target(s, who, login=who, metric="calls", amount="40", period="week"),
    ),
    # Sprints: managers plan, start and close.
    Case(
        "plan a sprint",
        "manager",
        lambda s, who, w: sprints.plan_sprint(s, who, goal="Close Q4"),
        setup=lambda s: _sprint_state(s, "planned"),
    ),
    Case(
        "start a sprint",
        "manager",
        lambda s, who, w: sprints.start_sprint(s, who),
        setup=lambda s: _sprint_state(s, "planned"),
    ),
    Case(
        "close a sprint",
        "manager",
        lambda s, who, w: sprints.close_sprint(s, who),
        setup=lambda s: _sprint_state(s, "active"),
    ),
    Case(
        "pull my task into the sprint",
        "rep",
        lambda s, who, w: sprints.add_item(s, who, "task", w["task"]),
        setup=lambda s: (_sprint_state(s, "planned"), {"task": _task(s, "rita")})[1],
    ),
    Case(
        "pull someone else's task into the sprint",
        "manager",
        lambda s, who, w: sprints.add_item(s, who, "task", w["task"]),
        setup=lambda s: (_sprint_state(s, "planned"), {"task": _task(s, "rob")})[1],
    ),
    # Deals: mine and those I collaborate on; others' only for managers.
    Case(
        "add a deal for myself",
        "rep",
        lambda s, who, w: deals.add_deal(s, who, title="Mine", account="Acme", value="5"),
    ),
    Case(
        "add a deal for someone else",
        "manager",
        lambda s, who, w: deals.add_deal(s, who, title="For rob", account="Acme", value="5", owner="rob"),
    ),
    Case(
        "edit my deal",
        "rep",
        lambda s, who, w: deals.update_deal(s, who, w["deal"], next_step="Call"),
        setup=lambda s: {"deal": _deal(s, "rita")},
    ),
    Case(
        "edit a deal I collaborate on",
        "rep",
        lambda s, who, w: deals.update_deal(s, who, w["deal"], next_step="Call"),
        setup=lambda s: {"deal": _deal(s, "rob", collaborator="rita")},
    ),
    Case(
        "edit someone else's deal",
        "manager",
        lambda s, who, w: deals.update_deal(s, who, w["deal"], next_step="Call"),
        setup=lambda s: {"deal": _deal(s, "rob")},
    ),
    Case(
        "move someone else's deal",
        "manager",
        lambda s, who, w: deals.move_deal(s, who, w["deal"], "Qualified"),
        setup=lambda s: {"deal": _deal(s, "rob")},
    ),
    Case(
        "move a deal I collaborate on",
        "rep",
        lambda s, who, w: deals.move_deal(s, who, w["deal"], "Qualified"),
        setup=lambda s: {"deal": _deal(s, "rob", collaborator="rita")},
    ),
    Case(
        "delete someone else's deal",
        "manager",
        lambda s, who, w: deals.delete_deal(s, who, w["deal"]),
        setup=lambda s: {"deal": _deal(s, "rob")},
    ),
    Case(
        "restore my deal from the archive",
        "rep",
        lambda s, who, w: archive.restore_deal(s, who, w["deal"]),
        setup=lambda s: {"deal": _archived(s, "rita")},
    ),
    Case(
        "restore someone else's deal from the archive",
        "manager",
        lambda s, who, w: archive.restore_deal(s, who, w["deal"]),
        setup=lambda s: {"deal": _archived(s, "rob")},
    ),
    Case(
        "purge an archived deal for good",
        "admin",
        lambda s, who, w: archive.purge_deal(s, who, w["deal"]),
        setup=lambda s: {"deal": _archived(s, "rita")},
    ),
    Case(
        "add a collaborator to my deal",
        "rep",
        lambda s, who, w: deals.add_collaborator(s, who, w["deal"], "rob"),
        setup=lambda s: {"deal": _deal(s, "rita")},
    ),
    Case(
        "add a collaborator to someone else's deal",
        "manager",
        lambda s, who, w: deals.add_collaborator(s, who, w["deal"], "rita"),
        setup=lambda s: {"deal": _deal(s, "rob")},
    ),
    Case(
        "reassign my deal to someone else",
        "manager",
        lambda s, who, w: deals.update_deal(s, who, w["deal"], owner="rob"),
        setup=lambda s: {"deal": _deal(s, "rita")},
    ),
    # Tasks.
    Case("add a task for myself", "rep", lambda s, who, w: tasks.add_task(s, who, title="Mine")),
    Case(
        "add a task for someone else",
        "manager",
        lambda s, who, w: tasks.add_task(s, who, title="For rob", assignee="rob"),
    ),
    Case(
        "finish my task",
        "rep",
        lambda s, who, w: tasks.move_task(s, who, w["task"], "done"),
        setup=lambda s: {"task": _task(s, "rita")},
    ),
    Case(
        "finish someone else's task",
        "manager",
        lambda s, who, w: tasks.move_task(s, who, w["task"], "done"),
        setup=lambda s: {"task": _task(s, "rob")},
    ),
    Case(
        "edit someone else's task",
        "manager",
        lambda s, who, w: tasks.update_task(s, who, w["task"], title="Renamed"),
        setup=lambda s: {"task": _task(s, "rob")},
    ),
    Case(
        "delete someone else's task",
        "manager",
        lambda s, who, w: tasks.delete_task(s, who, w["task"]),
        setup=lambda s: {"task": _task(s, "rob")},
    ),
    Case(
        "reassign my task",
        "manager",
        lambda s, who, w: tasks.update_task(s, who, w["task"], assignee="rob"),
        setup=lambda s: {"task": _task(s, "rita")},
    ),
    # Activities.
    Case("log my activity", "rep", lambda s, who, w: activities.log_activity(s, who, kind="call")),
    Case(
        "log an activity for someone else",
        "manager",
        lambda s, who, w: activities.log_activity(s, who, member="rob", kind="call"),
    ),
    # Retro: everyone writes; an entry is edited by its author or a manager.
    Case(
        "write a retro entry",
        "rep",
        lambda s, who, w: retro.add_entry(s, who, "to_improve", "More demos"),
        setup=lambda s: _sprint_state(s, "active"),
    ),
    Case(
        "delete my retro entry",
        "rep",
        lambda s, who, w: retro.delete_entry(s, who, w["entry"]),
        setup=lambda s: {"entry": _retro_entry(s, "rita")},
    ),
    Case(
        "delete someone else's retro entry",
        "manager",
        lambda s, who, w: retro.delete_entry(s, who, w["entry"]),
        setup=lambda s: {"entry": _retro_entry(s, "rob")},
    ),
    # Notes, history and undo: everyone.
    Case(
        "add a note on any deal",
        "rep",
        lambda s, who, w: notes.add_note(s, who, "Intel", deal_id=w["deal"]),
        setup=lambda s: {"deal": _deal(s, "rob")},
    ),
    Case("undo my own last change", "rep", lambda s, who, w: undo.undo(s, who), setup=lambda s: {}),
    # Reading what the team does: everyone.
    Case("see every deal", "rep", lambda s, who, w: deals.list_deals(s, who), writes=False),
    Case("see every note", "rep", lambda s, who, w: notes.list_notes(s, who), writes=False),
    Case("see the history", "rep", lambda s, who, w: history.history(s, who), writes=False),
    Case("see every activity", "rep", lambda s, who, w: activities.list_activities(s, who), writes=False),
    Case("see the team's velocity", "rep", lambda s, who, w: velocity.velocity(s, who), writes=False),
    Case(
        "see a deal's timeline",
        "rep",
        lambda s, who, w: history.deal_timeline(s, who, w["deal"]),
        setup=lambda s: {"deal": _deal(s, "rob")},
        writes=False,
    ),
]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def matrix_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One team per backend for the whole matrix (each case makes its own rows)."""
    with clock.freeze(FROZEN_NOW):
        if request.param == "sqlite":
            store = make_team(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'store.db'}")
            yield store
            store.dispose()
            return
        import psycopg

        request.getfixturevalue("pg_server")
        name = f"salessprint_test_{uuid.uuid4().hex[:12]}"
        admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        store = make_team(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
        try:
            yield store
        finally:
            store.dispose()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                for line in drop_lines(name):  # the store's group roles (store/roles.py)
                    conn.execute(line)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_permission_matrix(matrix_store: Any, case: Case, role: str, frozen) -> None:
    who = ROLES[role]
    world = case.setup(matrix_store)
    if case.name == "undo my own last change":
        deals.add_deal(matrix_store, who, title="To undo", account="Acme", value="1")
    before = latest_change_id(matrix_store, "ada")
    if RANK[role] >= RANK[case.least]:
        case.act(matrix_store, who, world)
        after = latest_change_id(matrix_store, "ada")
        assert (after > before) is case.writes
    else:
        with pytest.raises(PermissionDenied, match=f"Only an? {case.least} or above may") as refused:
            case.act(matrix_store, who, world)
        assert f"you are a {role}" in str(refused.value) or f"you are an {role}" in str(refused.value)
        assert latest_change_id(matrix_store, "ada") == before  # nothing written


def test_a_refused_command_exits_1_and_names_the_role(tmp_path, frozen) -> None:
    from salessprint.cli import cli

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    make_team(url).dispose()
    result = CliRunner().invoke(cli, ["--db", url, "--as", "rita", "sprint", "plan"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: Only a manager or above may plan sprints; you are a rep.")
    assert "Traceback" not in result.output
