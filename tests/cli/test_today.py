"""`today` on the command line: the Today sections, and the bulk moves of stale tasks undone at once."""

from __future__ import annotations

import json
from typing import Any


def test_today_prints_my_sections_and_goals(team: Any) -> None:
    assert team("target", "set", "rita", "calls", "16", "--per", "day", "--from", "2026-11-01", as_="mo").exit_code == 0
    team("task", "add", "Chase Acme", "--kind", "follow-up", "--due", "2026-11-24", as_="rita")
    team("task", "add", "Call Globex", "--kind", "call", "--due", "2026-11-26", as_="rita")
    team("deal", "add", "Initech renewal", "--account", "Initech", "--value", "900", as_="rita")
    team("log", "call", as_="rita")

    out = team("today", as_="rita").output

    assert "Today for Rita Rep (rita) · Thursday 26 November 2026 · 10:30" in out
    # 16 calls a day; 10:30 is 1.5 of the 8 working hours: 16 × 1.5/8 = 3.0; 1 is behind.
    assert "Calls      1 of 16 today · should be at 3.0 by now (10:30) · behind" in out
    assert "Tasks due and overdue (1)" in out and "2 days late" in out and "Chase Acme" in out
    assert "Calls and meetings today (1)" in out and "Call Globex" in out
    assert "Open deals without a next step (1)" in out and "Initech renewal" in out
    assert "1 stale: 'salessprint today reschedule DAY'" in out
    figures = json.loads(team("today", "--format", "json", as_="rita").output)
    assert figures["goals"] == [{"kind": "call", "done": 1, "target": 16, "by_now": "3.0", "pace": "behind"}]


def test_reschedule_and_clear_are_each_one_change_undo_takes_back(team: Any) -> None:
    for title, due in (("Old one", "2026-11-20"), ("Older one", "2026-11-10")):
        team("task", "add", title, "--due", due, as_="rita")
    assert (
        team("today", "reschedule", "next monday", as_="rita").output
        == "Rescheduled 2 stale tasks to Mon 2026-11-30. One change: undo puts them back.\n"
    )
    assert "Tasks due and overdue (0)" in team("today", as_="rita").output
    team("undo", as_="rita")
    assert "Tasks due and overdue (2)" in team("today", as_="rita").output
    assert "stay in the backlog" in team("today", "clear", as_="rita").output
    team("undo", as_="rita")
    assert "16 days late" in team("today", as_="rita").output
    refused = team("today", "reschedule", "2026-11-01", as_="rita")
    assert refused.exit_code == 1 and "is in the past" in refused.output
