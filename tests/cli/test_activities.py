"""`log` on the command line."""

from __future__ import annotations

from typing import Any


def test_log_for_myself_and_as_a_manager_for_a_rep(team: Any) -> None:
    assert team("log", "call", "--outcome", "reached", as_="rita").output.startswith("Logged a call for rita (#")
    assert team("log", "meeting", "--member", "rita", as_="mo").output.startswith("Logged a meeting for rita (#")
