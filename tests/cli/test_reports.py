"""`salessprint report ...` on the demo team and on an empty one: table, JSON, CSV,
the JSON contract, and plain one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from salessprint.cli import cli


@pytest.fixture
def run(demo_store: Any, tmp_path: Path) -> Any:
    url = str(demo_store.url)

    def invoke(*args: str, who: str = "maria") -> Any:
        return CliRunner().invoke(cli, ["--db", url, "--as", who, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def run_empty(tmp_path: Path, frozen: Any) -> Any:
    from salessprint.services import open_store
    from salessprint.services.team import init_team

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    store = open_store(url, check_schema=False)
    init_team(store, "Empty", "ada", "Ada Admin")
    store.dispose()

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--db", url, "--as", "ada", *args], catch_exceptions=False)

    return invoke


def test_attainment_json_contract(run: Any) -> None:
    result = run("report", "attainment", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["from"], data["to"]) == ("2026-11-01", "2026-11-30")
    first = data["members"][0]
    assert {"login", "name", "won_value", "won_deals", "quota", "attainment"} <= set(first)
    alex = next(m for m in data["members"] if m["login"] == "alex")
    chris = next(m for m in data["members"] if m["login"] == "chris")
    # The demo's story: Alex well above quota, Chris under it.
    assert float(alex["attainment"]) > 100 > float(chris["attainment"])
    assert alex["won_value"].count(".") == 1 and len(alex["won_value"].split(".")[1]) == 2


def test_attainment_for_one_member_and_range(run: Any) -> None:
    result = run(
        "report",
        "attainment",
        "--member",
        "chris",
        "--from",
        "2026-10-01",
        "--to",
        "2026-12-31",
        "--by",
        "month",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["period"] for r in rows] == ["2026-10", "2026-11", "2026-12"]
    assert {r["login"] for r in rows} == {"chris"}


def test_sprint_report_table_and_json(run: Any) -> None:
    table = run("report", "sprint", "--number", "12")
    assert table.exit_code == 0
    assert table.output.startswith("Sprint 12 (closed")
    for word in ("committed", "completed", "added", "removed", "carried over", "deals won", "deals slipped"):
        assert word in table.output
    data = json.loads(run("report", "sprint", "--number", "12", "--format", "json").output)
    assert set(data) >= {
        "sprint",
        "committed",
        "completed",
        "added",
        "removed",
        "carried_over",
        "won",
        "advanced",
        "slipped",
        "untouched",
    }
    velocity = json.loads(run("report", "velocity", "--format", "json").output)
    s12 = next(s for s in velocity["sprints"] if s["number"] == 12)
    # The sprint report and the velocity report agree on points.
    assert data["completed"]["points"] == s12["completed_points"]
    assert data["committed"]["points"] == s12["committed_points"]
    assert data["carried_over"]["points"] == s12["carried_points"]


def test_burndown_pipeline_forecast_coaching(run: Any) -> None:
    burndown = json.loads(run("report", "burndown", "--format", "json").output)
    assert [d["day"] for d in burndown["days"]] == [
        "2026-11-23",
        "2026-11-24",
        "2026-11-25",
        "2026-11-26",
        "2026-11-27",
    ]
    assert burndown["days"][-1]["remaining"] is None
    pipeline = json.loads(run("report", "pipeline", "--format", "json").output)
    for key in (
        "won_deals",
        "lost_deals",
        "win_rate",
        "average_won_value",
        "average_cycle_days",
        "open_deals",
        "open_value",
        "weighted_value",
        "pipeline_velocity",
        "rotting",
    ):
        assert key in pipeline
    first = run("report", "forecast", "--format", "json", "--seed", "5").output
    assert first == run("report", "forecast", "--format", "json", "--seed", "5").output
    forecast = json.loads(first)
    nxt = forecast["next_sprint"]
    assert nxt["p95"] <= nxt["p85"] <= nxt["p50"]
    coaching = json.loads(run("report", "coaching", "--format", "json").output)
    chris = next(m for m in coaching["members"] if m["login"] == "chris")
    assert {"under_quota", "velocity_falling"} <= {f["code"] for f in chris["flags"]}
    eli = next(m for m in coaching["members"] if m["login"] == "eli")
    assert "new_rep" in {f["code"] for f in eli["flags"]}


def test_one_on_one_and_daily_are_plain_text(run: Any) -> None:
    agenda = run("report", "one-on-one", "chris")
    assert agenda.exit_code == 0
    assert agenda.output.startswith("1:1 with Chris Okafor — 2026-11-26\n")
    daily = run("report", "daily", "eli", "--date", "2026-11-25")
    assert daily.output.startswith("Daily update — Eli Brandt, Wednesday 2026-11-25\n")
    assert "- call:" in daily.output
    mine = run("report", "daily", who="eli")
    assert mine.exit_code == 0 and "Eli Brandt" in mine.output


def test_user_errors_are_one_line(run: Any) -> None:
    half = run("report", "attainment", "--from", "2026-11-01")
    assert half.exit_code == 1
    assert half.output.strip() == "Error: Give both --from and --to, or neither."
    rep = run("report", "coaching", who="alex")
    assert rep.exit_code == 1 and rep.output.startswith("Error: Only a manager or above may read coaching reports")
    bad = run("report", "daily", "eli", "--date", "2026-02-30")
    assert bad.exit_code == 1 and "not a real date" in bad.output
    nobody = run("report", "one-on-one", "zed")
    assert nobody.exit_code == 1 and "No member with login 'zed'" in nobody.output


def test_reports_on_an_empty_team_say_so(run_empty: Any) -> None:
    expectations = {
        ("report", "sprint"): "No sprint yet",
        ("report", "burndown"): "No sprint yet",
        ("report", "velocity"): "No closed sprints yet",
        ("report", "attainment"): "No reps on the team yet",
        ("report", "pipeline"): "No deals yet",
        ("report", "forecast"): "No closed sprint yet",
        ("report", "coaching"): "No reps on the team yet",
    }
    for args, phrase in expectations.items():
        result = run_empty(*args)
        assert result.exit_code == 0, (args, result.output)
        assert phrase in result.output, (args, result.output)
    for fmt in ("json", "csv"):
        for args in expectations:
            assert run_empty(*args, "--format", fmt).exit_code == 0


def test_velocity_chart_and_activity_pace_in_the_table(run: Any) -> None:
    velocity = run("report", "velocity").output
    assert "Velocity (completed points):" in velocity
    assert "  S12   " in velocity and "█" in velocity
    assert "Per rep: alex " in velocity
    activity = run("report", "activity").output
    chris = next(line for line in activity.splitlines() if line.startswith("chris"))
    assert chris.rstrip().endswith("behind")


def test_forecast_answers_by_date_and_when_done(run: Any) -> None:
    out = run("report", "forecast", "--by-date", "2026-12-31", "--when-done", "10").output
    by_date = next(line for line in out.splitlines() if line.startswith("By Thu 31 Dec 2026"))
    assert "(26 working days, 5.20 sprints) the team completes at least" in by_date
    assert "with 85 % confidence" in by_date
    done = next(line for line in out.splitlines() if line.startswith("The top 10 backlog items ("))
    assert "are done by" in done and "with 85 % confidence" in done
    data = json.loads(
        run("report", "forecast", "--by-date", "2026-12-31", "--when-done-points", "300", "--format", "json").output
    )
    p = data["by_date"]["points"]
    assert p["p95"] <= p["p85"] <= p["p50"]
    w = data["when_done"]
    assert (w["items"], w["points"]) == (None, 300)
    assert w["done_by"]["p50"] <= w["done_by"]["p85"] <= w["done_by"]["p95"]
    past = run("report", "forecast", "--by-date", "2026-11-01")
    assert past.exit_code == 1 and past.output.startswith("Error: --by-date 2026-11-01 is in the past")


def test_attainment_table_shows_consistency_and_trend(run: Any) -> None:
    out = run("report", "attainment", "--from", "2026-06-01", "--to", "2026-11-30").output
    chris = next(line for line in out.splitlines() if line.startswith("chris"))
    assert "0 of 5 at 90 %+" in chris and "falling (" in chris
