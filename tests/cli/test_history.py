"""`history` on the command line: a story through notes, `deal timeline` and `undo`, and its filters."""

from __future__ import annotations

import json


def test_notes_history_timeline_and_undo(sh) -> None:
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


def test_bad_entity_filter_is_one_line(sh) -> None:
    result = sh("max", "history", "--entity", "deal")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: 'deal' is not an entity like deal:12 or task:7."


def test_history_reads_the_teams_clock_and_moved_times(tmp_path, frozen) -> None:
    """The CLI's history shows when on the team's clock (Berlin: 11:30 CET at
    10:30 UTC), and a change's done_at reads as a time, not an ISO string."""
    from click.testing import CliRunner

    from salessprint.cli import cli
    from salessprint.services import open_store
    from salessprint.services.team import init_team

    url = f"sqlite:///{tmp_path / 'berlin.db'}"
    store = open_store(url, check_schema=False)
    init_team(store, "Berlin Sales", "ada", "Ada Admin", timezone="Europe/Berlin")
    store.dispose()

    def sh(*args: str):
        return CliRunner().invoke(cli, ["--db", url, "--as", "ada", *args])

    task_id = sh("task", "add", "Call Acme", "--kind", "call").output.strip()
    assert sh("task", "move", task_id, "done").exit_code == 0
    lines = sh("history").output.splitlines()
    assert lines[1].split()[1:4] == ["2026-11-26", "11:30", "CET"], lines
    undone = sh("undo").output
    assert "2026-11-26T" not in undone and "done_at — → 2026-11-26 11:30 CET" in undone, undone
