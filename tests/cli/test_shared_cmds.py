"""`history`, `undo`, `note add/list` and `deal timeline` on the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from tests.team_helpers import make_team


@pytest.fixture
def sh(tmp_path, frozen):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'team.db'}"
    make_team(url).dispose()

    def invoke(login: str, *args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--db", url, "--as", login, *args])

    return invoke


def test_notes_history_timeline_and_undo(sh) -> None:  # type: ignore[no-untyped-def]
    deal_id = sh("rita", "deal", "add", "Acme renewal", "--account", "Acme", "--value", "1200").output.strip()
    assert sh("rita", "deal", "collaborate", deal_id, "rob").exit_code == 0
    added = sh("rob", "note", "add", '=HYPERLINK("x") CFO signs in Dec', "--deal", deal_id)
    assert added.exit_code == 0 and added.output.strip().isdigit()

    listed = json.loads(sh("max", "note", "list", "--deal", deal_id, "--format", "json").output)
    assert [(n["author"], n["account"], n["text"]) for n in listed["notes"]] == [
        ("rob", "Acme", '=HYPERLINK("x") CFO signs in Dec')
    ]
    csv_out = sh("max", "note", "list", "--format", "csv").output
    assert "'=HYPERLINK" in csv_out  # a formula is defused in CSV

    timeline = sh("max", "deal", "timeline", deal_id).output
    assert "created deal 'Acme renewal'" in timeline and f"added rob on deal #{deal_id}" in timeline
    assert "CFO signs in Dec" in timeline

    hist = json.loads(sh("max", "history", "--entity", f"deal:{deal_id}", "--format", "json").output)
    assert [c["action"] for c in hist["changes"]] == ["create", "create"]
    assert [c["entity"] for c in hist["changes"]] == ["deal_collaborator", "deal"]
    by_rob = sh("max", "history", "--member", "rob").output.strip().splitlines()
    assert len(by_rob) == 2 and "rob    note" in by_rob[1]

    undone = sh("rob", "undo")
    assert undone.exit_code == 0
    assert undone.output.strip() == "Undone: you created note '=HYPERLINK(\"x\") CFO signs in Dec'."
    assert json.loads(sh("max", "note", "list", "--format", "json").output)["notes"] == []
    again = sh("rob", "undo")
    assert again.exit_code == 1 and again.output.strip() == "Error: You have no change left to undo."


def test_undo_refused_when_someone_changed_it_since(sh) -> None:  # type: ignore[no-untyped-def]
    deal_id = sh("rita", "deal", "add", "Globex", "--account", "Globex", "--value", "10").output.strip()
    assert sh("max", "deal", "move", deal_id, "Qualified").exit_code == 0
    refused = sh("rita", "undo")
    assert refused.exit_code == 1
    assert refused.output.startswith(f"Error: Not undone: max changed deal #{deal_id} after you")
    assert "stage Lead → Qualified" in refused.output
    assert len(refused.output.strip().splitlines()) == 1


def test_bad_entity_filter_is_one_line(sh) -> None:  # type: ignore[no-untyped-def]
    result = sh("max", "history", "--entity", "deal")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: 'deal' is not an entity like deal:12 or task:7."
