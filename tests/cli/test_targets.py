"""`target` commands on the command line."""

from __future__ import annotations

import json
from typing import Any


def test_set_and_list_targets(team: Any) -> None:
    out = team("target", "set", "rita", "calls", "25", "--per", "day", "--from", "2026-11-01", as_="mo").output
    assert out == "rita: 25.00 calls per day from 2026-11-01.\n"
    rows = json.loads(team("target", "list", "--member", "rita", "--format", "json", as_="mo").output)["targets"]
    assert [(r["metric"], r["period"]) for r in rows] == [("calls", "day")]
