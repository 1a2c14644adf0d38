"""`salessprint report ...` on the demo team and on an empty one: table, JSON, CSV,
the JSON contract, and plain one-line errors."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
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


def test_pipeline_per_territory_per_rep_and_for_one_rep(run: Any) -> None:
    team = json.loads(run("report", "pipeline", "--format", "json").output)
    assert (team["by"], team["groups"], team["member"]) == (None, [], None)
    assert (team["open_as_of"], team["open_as_of_today"], team["open_note"]) == ("2026-11-26", True, None)
    rows = list(csv.DictReader(io.StringIO(run("report", "pipeline", "--by", "territory", "--format", "csv").output)))
    assert rows and sum(Decimal(r["open_value"]) for r in rows) == Decimal(team["open_value"])
    assert sum(int(r["won_deals"]) for r in rows) == team["won_deals"]
    by_member = json.loads(run("report", "pipeline", "--by", "member", "--format", "json").output)
    alex_row = next(g for g in by_member["groups"] if g["key"] == "alex")
    alex = json.loads(run("report", "pipeline", "--member", "alex", "--format", "json").output)
    assert alex["member"] == "alex"
    for key in ("won_deals", "open_deals", "open_value", "weighted_value", "pipeline_velocity"):
        assert alex[key] == alex_row[key], key
    assert alex["rotting"]["count"] == alex_row["rotting_deals"]
    table = run("report", "pipeline", "--by", "manager").output
    assert "Maria Keller" in table and "Team: " in table
    assert "Open pipeline and rotting deals as of today, 2026-11-26." in table
    nobody = run("report", "pipeline", "--member", "zed")
    assert nobody.exit_code == 1 and "No member with login 'zed'" in nobody.output


def test_pipeline_for_a_past_range_says_what_its_open_figures_are(run: Any) -> None:
    # the demo's deals record their stage only from when they entered the one they are in
    october = run("report", "pipeline", "--from", "2026-10-01", "--to", "2026-10-31").output
    assert "as of today (2026-11-26), not 2026-10-31" in october
    data = json.loads(
        run("report", "pipeline", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json").output
    )
    assert data["open_as_of_today"] is True and "not 2026-10-31" in data["open_note"]
    # before the first deal started there was nothing open, and the history says so
    january = run("report", "pipeline", "--from", "2026-01-01", "--to", "2026-01-31").output
    assert "Open pipeline and rotting deals as of 2026-01-31, rebuilt from the deals' history." in january
    assert "No deal closed in the range, and none open on 2026-01-31." in january


def test_pipeline_for_a_range_in_the_calendars_first_days(run: Any) -> None:
    result = run("report", "pipeline", "--from", "0001-01-02", "--to", "0001-01-03")
    assert result.exit_code == 0, result.output
    assert "No deal closed in the range, and none open on 0001-01-03." in result.output


def test_forecast_categories_scenario_with_the_clock_set(
    db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """November on the command line, the clock set by SALESSPRINT_NOW, on both
    backends: deals called into categories, moved in the last week, pushed three
    times, a sprint closed, November closed; the forecast, the flags and the
    accuracy say exactly that."""

    def run(now: str, *args: str, who: str = "ada") -> Any:
        monkeypatch.setenv("SALESSPRINT_NOW", now)
        result = CliRunner().invoke(cli, ["--db", db_url, "--as", who, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    def data(now: str, *args: str, who: str = "ada") -> Any:
        return json.loads(run(now, *args, "--format", "json", who=who).output)

    mon = "2026-11-02T09:00:00+00:00"
    run(mon, "init", "--team", "Acme Sales", "--admin", "ada")
    run(mon, "member", "add", "rita", "--name", "Rita Rep")
    run(mon, "target", "set", "rita", "revenue", "10000", "--per", "month", "--from", "2026-10-01")
    for title, value, stage, close in (
        ("Acme", "4000", "Negotiation", "2026-11-20"),  # commit
        ("Birch", "3000", "Proposal", "2026-11-25"),  # best case
        ("Cedar", "2000", "Lead", "2026-12-15"),  # pipeline, December
    ):
        run(
            mon,
            "deal",
            "add",
            title,
            "--account",
            title,
            "--value",
            value,
            "--owner",
            "rita",
            "--stage",
            stage,
            "--close",
            close,
        )
    run("2026-11-06T16:00:00+00:00", "sprint", "plan")
    run("2026-11-09T08:00:00+00:00", "sprint", "start")
    thu = "2026-11-19T12:00:00+00:00"
    out = run(thu, "deal", "update", "3", "--close", "2026-11-27", "--forecast-category", "commit", who="rita").output
    assert "forecast category commit (set on the deal)" in out
    run(thu, "deal", "update", "2", "--close", "2026-12-04", who="rita")  # pushed and slipped
    run("2026-11-23T10:00:00+00:00", "deal", "update", "1", "--close", "2026-11-30", who="rita")  # pushed

    now = "2026-11-26T10:00:00+00:00"  # a week ago: 19 November 10:00
    month = data(now, "report", "forecast", "--categories")["periods"][0]
    rita = month["members"][0]
    assert month["period"] == "2026-11"
    assert {k: rita[k] for k in ("closed_won", "commit", "best_case", "pipeline", "quota", "gap", "coverage")} == {
        "closed_won": "0.00",
        "commit": "6000.00",  # Acme 4,000 + Cedar 2,000
        "best_case": "0.00",  # Birch slipped to December
        "pipeline": "0.00",
        "quota": "10000.00",
        "gap": "4000.00",
        "coverage": "0.60",  # 6,000 / 10,000
    }
    assert {k: (v["count"], v["value"]) for k, v in rita["week_over_week"].items()} == {
        "newly_committed": (1, "2000.00"),
        "pulled_in": (1, "2000.00"),
        "pushed": (2, "7000.00"),
        "slipped": (1, "3000.00"),
    }
    whole = data(now, "report", "forecast")
    assert "next_sprint_reason" in whole and whole["categories"]["periods"][0] == month
    table = run(now, "report", "forecast").output
    assert "Forecast by category, month 2026-11" in table and "Week over week, 2026-Q4" in table
    rows = list(csv.DictReader(io.StringIO(run(now, "report", "forecast", "--categories", "--format", "csv").output)))
    assert [(r["period"], r["login"], r["commit"]) for r in rows] == [
        ("2026-11", "rita", "6000.00"),
        ("2026-11", "team", "6000.00"),
        ("2026-Q4", "rita", "6000.00"),
        ("2026-Q4", "team", "6000.00"),
    ]

    run(now, "sprint", "close")  # rita's November call at the close: 6,000
    for close in ("2026-12-10", "2026-12-18"):
        run(now, "deal", "update", "2", "--close", close, who="rita")
    assert "Flag: the expected close was pushed 3 times." in run(now, "deal", "show", "2").output
    coaching = data(now, "report", "coaching")
    assert [f["message"] for f in coaching["members"][0]["flags"] if f["code"] == "close_date_pushed"] == [
        "1 deal with the expected close pushed 3 times or more: #2 Birch (3 times)"
    ]
    assert "#2 Birch (rita, pushed 3 times, now 2026-12-18)" in run(now, "report", "pipeline").output
    run("2026-11-27T15:00:00+00:00", "deal", "move", "1", "Won", who="rita")

    december = "2026-12-02T09:00:00+00:00"
    lines = data(december, "report", "forecast", "--accuracy")["lines"]
    assert [(x["occasion"], x["period"], x["commit"], x["actual"], x["accuracy"]) for x in lines] == [
        ("sprint_close", "2026-11", "6000.00", "4000.00", "66.7"),
        ("month_end", "2026-11", "6000.00", "4000.00", "66.7"),  # won 4,000 + Cedar 2,000 at month end
    ]
    assert len(data(december, "report", "forecast", "--accuracy")["lines"]) == 2  # recorded once
    refused = CliRunner().invoke(
        cli, ["--db", db_url, "--as", "rita", "deal", "update", "1", "--forecast-category", "commit"]
    )
    assert refused.exit_code == 1 and "is won: its forecast category is closed" in refused.output


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
