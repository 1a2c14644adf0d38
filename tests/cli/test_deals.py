"""`deal` commands on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def test_show_collaborate_and_timeline(team: Any) -> None:
    deal_id = team("deal", "add", "Acme", "--account", "Acme", "--value", "100", as_="rita").output.strip()
    assert team("deal", "collaborate", deal_id, "mo", as_="rita").output == f"Deal #{deal_id} collaborators: mo.\n"
    shown = team("deal", "show", deal_id, as_="rita").output
    assert shown.startswith("FIELD") and "Acme" in shown
    timeline = json.loads(team("deal", "timeline", deal_id, "--format", "json", as_="rita").output)["timeline"]
    assert len(timeline) == 2


def test_deal_timeline_in_a_fresh_process(tmp_path: Path) -> None:
    """`deal timeline` lives with the other `deal` commands, so a new process finds it."""
    env = {**os.environ, "SALESSPRINT_CONFIG": str(tmp_path / "c.toml"), "SALESSPRINT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "salessprint", "deal", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert "timeline" in done.stdout


def test_delete_archives_and_restore_brings_it_back(team: Any) -> None:
    deal_id = team("deal", "add", "Acme", "--account", "Acme", "--value", "100", as_="rita").output.strip()
    assert team("note", "add", "Budget approved", "--deal", deal_id, as_="mo").exit_code == 0
    gone = team("deal", "delete", deal_id, as_="rita")
    assert gone.output == (
        f"Deal #{deal_id} 'Acme' archived with 1 note. "
        f"'salessprint undo' or 'salessprint deal restore {deal_id}' brings it back.\n"
    )
    assert json.loads(team("deal", "list", "--format", "json", as_="rita").output)["deals"] == []
    (listed,) = json.loads(team("deal", "archived", "--format", "json", as_="mo").output)["archived"]
    assert (listed["deal_id"], listed["owner"], listed["archived_by"], listed["rows"]["notes"]) == (
        int(deal_id),
        "rita",
        "rita",
        1,
    )
    assert "Acme" in team("deal", "archived", as_="mo").output
    back = team("deal", "restore", deal_id, as_="rita")
    assert back.output == f"Deal #{deal_id} 'Acme' is back with 1 note.\n"
    assert team("deal", "restore", deal_id, as_="rita").output.startswith(f"Error: No deal #{deal_id} in the archive")


def test_purge_is_an_admins_confirmed_action(team: Any) -> None:
    from click.testing import CliRunner

    from salessprint.cli import cli

    deal_id = team("deal", "add", "Acme", "--account", "Acme", "--value", "100", as_="rita").output.strip()
    team("deal", "delete", deal_id, as_="rita")
    for who, role in (("rita", "rep"), ("mo", "manager")):
        refused = team("deal", "purge", deal_id, "--yes", as_=who)
        assert refused.exit_code == 1
        assert (
            refused.output == f"Error: Only an admin or above may purge an archived deal for good; you are a {role}.\n"
        )

    def purge(answer: str) -> str:
        argv = ["--db", team.db, "--as", "ada", "deal", "purge", deal_id]
        return CliRunner().invoke(cli, argv, input=answer, catch_exceptions=False).output

    kept = purge("n\n")
    assert kept.startswith(f"Deal #{deal_id} 'Acme' and nothing else will be gone for good.\nPurge it? [y/N]: ")
    assert kept.endswith("Nothing purged.\n")
    assert len(json.loads(team("deal", "archived", "--format", "json", as_="ada").output)["archived"]) == 1
    assert purge("y\n").endswith(f"Deal #{deal_id} 'Acme' purged for good, with nothing else.\n")
    assert json.loads(team("deal", "archived", "--format", "json", as_="ada").output)["archived"] == []
    purged = json.loads(team("history", "--format", "json", as_="ada").output)
    assert purged["changes"][0]["action"] == "purge"


def test_a_win_says_what_it_did_to_the_card(team: Any) -> None:
    deal_id = team("deal", "add", "Acme", "--account", "Acme", "--value", "100", as_="rita").output.strip()
    assert team("sprint", "plan", as_="mo").exit_code == 0
    assert team("sprint", "add", "deal", deal_id, as_="rita").exit_code == 0
    won = team("deal", "move", deal_id, "Won", as_="rita")
    assert won.output == f"Deal #{deal_id} is now in Won.\nIts card in sprint 1 is now done.\n"
