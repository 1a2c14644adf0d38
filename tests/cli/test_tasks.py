"""`task` commands on the command line."""

from __future__ import annotations

import json
from typing import Any


def test_add_list_and_move(team: Any) -> None:
    task_id = team("task", "add", "Call Acme", "--kind", "call", "--points", "2", as_="rita").output.strip()
    assert team("task", "move", task_id, "doing", as_="rita").output == f"Task #{task_id} is now doing.\n"
    tasks = json.loads(team("task", "list", "--mine", "--format", "json", as_="rita").output)["tasks"]
    assert [(t["id"], t["status"]) for t in tasks] == [(int(task_id), "doing")]
    assert json.loads(team("task", "list", "--mine", "--format", "json", as_="mo").output)["tasks"] == []
