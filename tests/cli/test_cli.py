"""The command line contract, through click's runner and a real subprocess."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from salessprint.cli import cli


def test_a_week_of_work_through_the_cli(team) -> None:
    deal_id = team(
        "deal", "add", "Acme renewal", "--account", "Acme", "--value", "12500.50", "--points", "3", as_="rita"
    ).output.strip()
    task_id = team(
        "task", "add", "Call Acme", "--kind", "call", "--points", "2", "--deal", deal_id, as_="rita"
    ).output.strip()
    assert team("sprint", "plan", "--goal", "Renewals", as_="mo").exit_code == 0
    assert team("sprint", "add", "task", task_id, as_="rita").exit_code == 0
    assert team("sprint", "add", "deal", deal_id, as_="rita").exit_code == 0
    assert team("sprint", "start", as_="mo").exit_code == 0
    assert team("task", "move", task_id, "doing", as_="rita").exit_code == 0
    assert team("task", "move", task_id, "done", as_="rita").exit_code == 0
    assert team("log", "meeting", "--deal", deal_id, "--outcome", "Agreed pilot", as_="rita").exit_code == 0
    assert team("deal", "move", deal_id, "won", as_="rita").exit_code == 0
    tasks = json.loads(team("task", "list", "--format", "json", as_="rita").output)["tasks"]
    assert tasks[0]["status"] == "done" and tasks[0]["id"] == int(task_id)
    deal = json.loads(team("deal", "show", deal_id, "--format", "json", as_="rita").output)
    assert deal["stage"] == "Won" and Decimal(deal["value"]) == Decimal("12500.50")
    assert team("sprint", "close", "--carry-over", as_="mo").exit_code == 0
    sprints = json.loads(team("sprint", "list", "--format", "json", as_="rita").output)["sprints"]
    assert [(s["number"], s["state"]) for s in sprints] == [(1, "closed")]
    assert set(sprints[0]) >= {"number", "state", "starts_on", "ends_on", "goal"}
    velocity = json.loads(team("report", "velocity", "--format", "json", as_="mo").output)
    assert velocity["sprints"][0]["velocity"] == 5
    assert velocity["sprints"][0]["by_member"] == {"rita": 5}
    activity = json.loads(team("report", "activity", "--format", "json", as_="mo").output)
    rita = next(m for m in activity["members"] if m["login"] == "rita")
    assert rita["activities"]["call"]["done"] == 1 and rita["activities"]["meeting"]["done"] == 1


BAD = [
    (["--db", "mysql://u@h/x", "member", "list"], "SQLite or PostgreSQL"),
    (["deal", "add", "X", "--account", "A", "--value", "-5"], "value: money cannot be negative"),
    (["deal", "add", "X", "--account", "A", "--value", "lots"], "value: 'lots' is not an amount"),
    (["deal", "add", "X", "--account", "A", "--value", "5", "--close", "2026-02-31"], "not a real date"),
    (["deal", "add", "X", "--account", "A", "--value", "5", "--owner", "ghost"], "No member with login 'ghost'"),
    (["log", "lunch"], "kind: 'lunch' is not one of"),
    (["task", "add", "X", "--kind", "nap"], "kind: 'nap' is not one of"),
    (["--as", "ghost", "member", "list"], "'ghost' is not a member"),
    (["--as", "rita", "member", "add", "x", "--name", "X"], "Only an admin or above may manage members"),
    (["--as", "rita", "target", "set", "mo", "calls", "25", "--per", "day"], "Only a manager or above may set targets"),
    (["--as", "mo", "target", "set", "rita", "calls", "25", "--per", "fortnight"], "period"),
    (["report", "activity", "--from", "2026-13-01", "--to", "2026-12-01"], "not a real date"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a[:3]) for a, _ in BAD])
def test_bad_input_exits_1_with_one_plain_line_and_changes_nothing(team, args, message) -> None:
    before = team("deal", "list", "--format", "json", as_="ada").output
    runner = CliRunner()
    db_args = [] if args[0] == "--db" else ["--db", team.db]
    result = runner.invoke(cli, [*db_args, *args], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert team("deal", "list", "--format", "json", as_="ada").output == before


def test_commands_on_an_empty_store_say_what_to_run(run) -> None:
    result = run("member", "list", as_="x")
    assert result.exit_code == 1
    assert "salessprint init" in result.output


def test_real_subprocess_and_lean_imports(tmp_path: Path) -> None:
    """The installed entry point works, and `log` never imports Textual."""
    env = {**os.environ, "SALESSPRINT_CONFIG": str(tmp_path / "c.toml"), "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00"}
    db = f"sqlite:///{tmp_path / 'p.db'}"
    init = subprocess.run(
        [sys.executable, "-m", "salessprint", "--db", db, "init", "--team", "T", "--admin", "ada"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    probe = (
        "import sys; from salessprint.cli import cli\n"
        f"cli(['--db', {db!r}, 'log', 'call', '--outcome', 'Left voicemail'], standalone_mode=False)\n"
        "assert 'textual' not in sys.modules, 'log imported textual'\n"
    )
    log = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert log.returncode == 0, log.stderr
    assert "Logged a call for ada" in log.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "salessprint", "--db", db, "log", "lunch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("Error: kind:") and "Traceback" not in bad.stderr
