"""`target` commands on the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from salessprint.cli import cli


def test_set_and_list_targets(team: Any) -> None:
    out = team("target", "set", "rita", "calls", "25", "--per", "day", "--from", "2026-11-01", as_="mo").output
    assert out == "rita: 25 calls per day from 2026-11-01.\n"  # a count, not "25.00 calls"
    rows = json.loads(team("target", "list", "--member", "rita", "--format", "json", as_="mo").output)["targets"]
    assert [(r["metric"], r["period"], r["amount"]) for r in rows] == [("calls", "day", "25.00")]
    table = team("target", "list", "--member", "rita", as_="mo").output
    assert " 25 " in table and "25.00" not in table
    out = team("target", "set", "rita", "revenue", "10000", "--per", "month", as_="mo").output
    assert out.startswith("rita: 10,000.00 revenue per month from ")


def test_quota_ramp_for_the_team_and_one_rep(team: Any) -> None:
    # Rita started on 1 October; today is 26 November 2026.
    team("target", "set", "rita", "revenue", "10000", "--per", "month", "--from", "2026-01-01", as_="mo")
    out = team("target", "ramp", "25,50,75", "--months", "1", as_="mo").output
    assert out.splitlines()[0] == "Team quota ramp: 25,50,75,100 % of full quota, 1 month a step."
    shown = json.loads(team("target", "ramp", "--format", "json", as_="mo").output)
    assert (shown["team"], shown["team_months"]) == ("25,50,75,100", 1)
    assert [(r["login"], r["ramp"], r["own"], r["percent_today"]) for r in shown["reps"]] == [
        ("rita", "25,50,75,100", False, "50.0")
    ]
    # November at 50 %: 5,000 of the 10,000 a month; October at 25 %.
    att = json.loads(
        team("report", "attainment", "--from", "2026-10-01", "--to", "2026-11-30", "--format", "json", as_="mo").output
    )
    assert [(p["period"], p["quota"]) for p in att["members"][0]["months"]] == [
        ("2026-10", "2500.00"),
        ("2026-11", "5000.00"),
    ]
    # An experienced hire: full quota from the start.
    rows = json.loads(team("target", "ramp", "off", "--member", "rita", "--format", "json", as_="mo").output)["reps"]
    assert (rows[0]["ramp"], rows[0]["own"], rows[0]["percent_today"]) == ("off", True, "100.0")
    rows = json.loads(team("target", "ramp", "--member", "rita", "--team-ramp", "--format", "json", as_="mo").output)[
        "reps"
    ]
    assert (rows[0]["ramp"], rows[0]["own"]) == ("25,50,75,100", False)


def test_quota_ramp_is_the_managers_and_checked(team: Any) -> None:
    refused = team("target", "ramp", "off", "--member", "rita", as_="rita")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    bad = team("target", "ramp", "25,150", as_="mo")
    assert bad.exit_code == 1
    assert "'150' is not a ramp step" in bad.output
    assert team("target", "ramp", "--team-ramp", as_="mo").exit_code == 1
    assert team("target", "ramp", as_="mo").output.splitlines()[0] == "Team quota ramp: off."


def test_quota_ramp_and_forecast_window_survive_export_and_restore(team: Any, tmp_path: Path) -> None:
    team("target", "ramp", "25,50,75", "--months", "2", as_="mo")
    team("target", "ramp", "off", "--member", "rita", as_="mo")
    team("team", "forecast", "--history", "5", "--min-history", "2", as_="mo")
    backup = tmp_path / "team.json"
    assert team("export", str(backup), as_="ada").exit_code == 0
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", restored, "restore", str(backup)]).exit_code == 0

    def read(db: str, *args: str) -> Any:
        return json.loads(runner.invoke(cli, ["--db", db, "--as", "mo", *args, "--format", "json"]).output)

    assert read(restored, "target", "ramp") == read(team.db, "target", "ramp")
    assert read(restored, "target", "ramp")["team_months"] == 2
    assert read(restored, "team", "forecast") == {"history": 5, "min_history": 2}
