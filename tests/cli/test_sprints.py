"""`sprint` commands on the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def test_plan_add_items_remove_and_close_without_carry_over(team: Any) -> None:
    task_id = team("task", "add", "Call Acme", "--points", "3", as_="rita").output.strip()
    assert team("sprint", "plan", "--goal", "Renewals", as_="mo").output.startswith("Sprint 1 planned: ")
    assert (
        team("sprint", "add", "task", task_id, as_="rita").output == f"Added task #{task_id} to sprint 1 (3 points).\n"
    )
    items = json.loads(team("sprint", "items", "--format", "json", as_="rita").output)["items"]
    assert [(i["item_type"], i["item_id"]) for i in items] == [("task", int(task_id))]
    assert team("sprint", "remove", "task", task_id, as_="rita").output == f"Removed task #{task_id} from the sprint.\n"
    assert team("sprint", "start", as_="mo").exit_code == 0
    assert team("sprint", "close", as_="mo").output == "Sprint 1 closed: unfinished items dropped (not carried over).\n"


# --- Jira's meanings, told through the command line with the clock set ------------


class Clocked:
    """The command line on one store, with SALESSPRINT_NOW set per command."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.now = "2026-11-12T09:00:00+00:00"

    def at(self, when: str) -> Clocked:
        self.now = when
        return self

    def __call__(self, login: str, *args: str) -> str:
        from click.testing import CliRunner

        from salessprint.cli import cli

        result = CliRunner().invoke(cli, ["--db", self.url, "--as", login, *args], env={"SALESSPRINT_NOW": self.now})
        assert result.exit_code == 0, result.output
        return result.output

    def json(self, login: str, *args: str) -> Any:
        return json.loads(self(login, *args, "--format", "json"))


def _week_told_by_jira(url: str) -> dict[str, int]:
    """Planned on Friday 13 Nov 2026 (dated 9-15 Nov), started on Monday 16 Nov
    08:00, closed on Monday 23 Nov 08:00 without carry-over:

    - call Acme (3, rita): done Tuesday 17;
    - deal Globex (5, sam): won Wednesday 18 (12,000.00);
    - proposal Initech (2, rita): done Monday 23 at 07:00, after the end
      (Sunday 22), before the close;
    - admin clean-up (1, rita): removed on Tuesday 17;
    - follow-up Umbrella (4, rita): never done: dropped;
    - demo Hooli (2, rita): done on Thursday 12, before the sprint.
    """
    run = Clocked(url)
    run("x", "init", "--team", "Acme Sales", "--admin", "ada", "--name", "Ada Admin")
    run("ada", "member", "add", "mo", "--name", "Mo Manager", "--role", "manager")
    run("ada", "member", "add", "rita", "--name", "Rita Rep", "--sales-role", "AE")
    run("ada", "member", "add", "sam", "--name", "Sam Rep", "--sales-role", "AE")
    ids = {
        name: int(run("rita", "task", "add", title, "--kind", kind, "--points", points).strip())
        for name, title, kind, points in (
            ("call", "Call Acme", "call", "3"),
            ("proposal", "Proposal Initech", "proposal", "2"),
            ("admin", "Admin clean-up", "admin", "1"),
            ("follow", "Follow-up Umbrella", "follow-up", "4"),
            ("demo", "Demo Hooli", "demo", "2"),
        )
    }
    ids["deal"] = int(
        run("sam", "deal", "add", "Globex renewal", "--account", "Globex", "--value", "12000", "--points", "5").strip()
    )
    run.at("2026-11-12T15:00:00+00:00")("rita", "task", "move", str(ids["demo"]), "done")
    run.at("2026-11-13T10:00:00+00:00")
    assert run("mo", "sprint", "plan", "--goal", "Close Globex") == "Sprint 1 planned: 2026-11-09 to 2026-11-15.\n"
    for name in ("call", "proposal", "admin", "follow", "demo"):
        run("rita", "sprint", "add", "task", str(ids[name]))
    run("sam", "sprint", "add", "deal", str(ids["deal"]))
    assert (
        run.at("2026-11-16T08:00:00+00:00")("mo", "sprint", "start") == "Sprint 1 started: 2026-11-16 to 2026-11-22.\n"
    )
    run.at("2026-11-17T10:00:00+00:00")("rita", "task", "move", str(ids["call"]), "done")
    run.at("2026-11-17T11:00:00+00:00")("rita", "sprint", "remove", "task", str(ids["admin"]))
    run.at("2026-11-18T14:00:00+00:00")("sam", "deal", "move", str(ids["deal"]), "Won")
    run.at("2026-11-23T07:00:00+00:00")("rita", "task", "move", str(ids["proposal"]), "done")
    assert (
        run.at("2026-11-23T08:00:00+00:00")("mo", "sprint", "close")
        == "Sprint 1 closed: unfinished items dropped (not carried over).\n"
    )
    run.at("2026-11-23T09:00:00+00:00")
    return ids


EXPECTED_FIGURES = {
    "committed": {"items": 6, "points": 17},  # 3 + 2 + 1 + 4 + 2 + 5
    "completed": {"items": 3, "points": 10},  # call 3, deal 5, proposal 2 (after the end, before the close)
    "added": {"items": 0, "points": 0},
    "removed": {"items": 1, "points": 1},
    "carried_over": {"items": 0, "points": 0},
    "dropped": {"items": 1, "points": 4},
    "completed_outside": {"items": 1, "points": 2},  # the demo, done on Thursday 12
    "not_completed": {"items": 1, "points": 4},
}


def _assert_the_week(run: Clocked) -> None:
    report = run.json("mo", "report", "sprint", "--number", "1")
    assert report["sprint"]["starts_on"] == "2026-11-16" and report["sprint"]["ends_on"] == "2026-11-22"
    assert {name: report[name] for name in EXPECTED_FIGURES} == EXPECTED_FIGURES
    assert (report["won"]["count"], report["won"]["value"]) == (1, "12000.00")
    [sprint] = run.json("mo", "report", "velocity")["sprints"]
    assert (sprint["committed_points"], sprint["completed_points"], sprint["velocity"]) == (17, 10, 10)
    assert (sprint["carried_points"], sprint["dropped_points"], sprint["completed_outside_points"]) == (0, 4, 2)
    assert sprint["removed_points"] == 1
    assert sprint["by_member"] == {"rita": 5, "sam": 5}
    burndown = run.json("mo", "report", "burndown", "--number", "1")
    # 15 points of work at the start (the demo was done already): Monday 15;
    # Tuesday the call (3) done and the clean-up (1) removed: 11; Wednesday the
    # deal (5) won: 6; the proposal (2) was done on Monday 23, after the last day.
    assert burndown["start_points"] == 15
    assert [d["remaining"] for d in burndown["days"]] == [15, 11, 6, 6, 6]
    assert [d["ideal"] for d in burndown["days"]] == ["12.0", "9.0", "6.0", "3.0", "0.0"]
    assert burndown["today"] is None  # Monday 23 is after the sprint


def _assert_the_cards(run: Clocked, ids: dict[str, int]) -> None:
    items = {(i["item_type"], i["item_id"]): i for i in run.json("mo", "sprint", "items", "--sprint", "1")["items"]}
    outcomes = {key: (i["status"], i["outcome"]) for key, i in items.items()}
    assert outcomes == {
        ("task", ids["call"]): ("done", "done"),
        ("task", ids["proposal"]): ("done", "done"),
        ("task", ids["admin"]): ("removed", "removed"),
        ("task", ids["follow"]): ("todo", "dropped"),
        ("task", ids["demo"]): ("done", "done_outside"),
        ("deal", ids["deal"]): ("done", "done"),
    }


def test_a_sprint_planned_on_friday_and_started_on_monday_tells_the_week_as_jira(db_url: str) -> None:
    ids = _week_told_by_jira(db_url)
    run = Clocked(db_url).at("2026-11-23T09:00:00+00:00")
    _assert_the_week(run)
    _assert_the_cards(run, ids)
    from salessprint.services import open_store
    from salessprint.services.reports.review import review

    store = open_store(db_url)
    try:
        shown = review(store, "mo")
    finally:
        store.dispose()
    assert shown.report.sprint is not None and shown.report.sprint.number == 1
    assert shown.report.completed is not None and shown.report.completed.points == 10
    assert shown.report.dropped is not None and shown.report.dropped.points == 4
    assert shown.report.completed_outside is not None and shown.report.completed_outside.points == 2
    assert [s.velocity for s in shown.velocity.sprints] == [10]


def test_a_closed_sprint_is_a_snapshot_later_edits_do_not_rewrite_it(db_url: str) -> None:
    from salessprint.domain import clock
    from salessprint.services import open_store, tasks

    ids = _week_told_by_jira(db_url)
    store = open_store(db_url)
    try:
        with clock.freeze(datetime(2026, 11, 24, 9, 0, tzinfo=UTC)):
            tasks.update_task(store, "rita", ids["call"], points=8)  # re-estimated afterwards
            tasks.move_task(store, "rita", ids["follow"], "done")  # the dropped work done a day late
            tasks.move_task(store, "rita", ids["demo"], "todo")  # reopened
            tasks.delete_task(store, "rita", ids["proposal"])  # deleted
    finally:
        store.dispose()
    run = Clocked(db_url).at("2026-11-24T10:00:00+00:00")
    _assert_the_week(run)
    items = run.json("mo", "sprint", "items", "--sprint", "1")["items"]
    deleted = [i for i in items if i["deleted"]]
    assert [(d["item_type"], d["item_id"], d["title"], d["points"], d["outcome"]) for d in deleted] == [
        ("task", ids["proposal"], "Proposal Initech", 2, "done")
    ]


def test_start_keeps_the_planned_dates_when_asked(db_url: str) -> None:
    run = Clocked(db_url)
    run("x", "init", "--team", "Acme Sales", "--admin", "ada", "--name", "Ada Admin")
    run.at("2026-11-13T10:00:00+00:00")("ada", "sprint", "plan")
    assert (
        run.at("2026-11-16T08:00:00+00:00")("ada", "sprint", "start", "--keep-dates")
        == "Sprint 1 started: 2026-11-09 to 2026-11-15.\n"
    )
