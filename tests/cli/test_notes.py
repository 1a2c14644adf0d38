"""`note` commands on the command line."""

from __future__ import annotations

import json
from typing import Any


def test_notes_on_an_account_listed_by_author(team: Any) -> None:
    team("deal", "add", "Acme", "--account", "Acme", "--value", "100", as_="rita")
    assert team("note", "add", "New CFO", "--account", "Acme", as_="rita").output.strip().isdigit()
    notes = json.loads(team("note", "list", "--author", "rita", "--format", "json", as_="mo").output)["notes"]
    assert [(n["author"], n["account"], n["text"]) for n in notes] == [("rita", "Acme", "New CFO")]
    assert "New CFO" in team("note", "list", "--account", "Acme", as_="mo").output
