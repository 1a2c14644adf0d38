"""`sprint` commands on the command line."""

from __future__ import annotations

import json
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
