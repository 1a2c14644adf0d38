"""Golden files: every report's `--format json` (and the text reports, and
the JSON of the composites the dashboard, the rep detail and the review
read) stays byte-for-byte what it was before the reports got typed results.

The goldens under golden/ were captured from the code before that change.
After a deliberate change of a report's output, rewrite them with

    SALESSPRINT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -p no:cacheprovider \
        tests/services/reports/test_json_unchanged.py

and review the diff of golden/ like any other change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from salessprint.cli.output import to_jsonable
from tests.services.reports.story import build_story

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("SALESSPRINT_UPDATE_GOLDEN"))

# (golden name, command line after `report`) for the demo (as the manager, maria)
# and for the small team's story (as its manager, max).
DEMO_COMMANDS = [
    ("velocity", ["velocity", "--format", "json"]),
    ("velocity-last-3", ["velocity", "--last", "3", "--format", "json"]),
    ("activity", ["activity", "--format", "json"]),
    (
        "activity-alex-october",
        ["activity", "--member", "alex", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"],
    ),
    ("sprint", ["sprint", "--format", "json"]),
    ("sprint-1", ["sprint", "--number", "1", "--format", "json"]),
    ("burndown", ["burndown", "--format", "json"]),
    ("burndown-1", ["burndown", "--number", "1", "--format", "json"]),
    ("attainment", ["attainment", "--format", "json"]),
    (
        "attainment-q4-alex",
        ["attainment", "--member", "alex", "--from", "2026-10-01", "--to", "2026-12-31", "--format", "json"],
    ),
    ("pipeline", ["pipeline", "--format", "json"]),
    ("pipeline-year", ["pipeline", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "json"]),
    ("forecast", ["forecast", "--format", "json"]),
    ("forecast-seed-7", ["forecast", "--seed", "7", "--format", "json"]),
    ("coaching", ["coaching", "--format", "json"]),
    ("one-on-one-chris.txt", ["one-on-one", "chris"]),
    ("daily-alex.txt", ["daily", "alex"]),
    ("daily-chris-yesterday.txt", ["daily", "chris", "--date", "2026-11-25"]),
]
TEAM_COMMANDS = [
    ("velocity", ["velocity", "--format", "json"]),
    ("activity", ["activity", "--format", "json"]),
    (
        "activity-rita-november",
        ["activity", "--member", "rita", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json"],
    ),
    ("sprint", ["sprint", "--format", "json"]),
    ("sprint-1", ["sprint", "--number", "1", "--format", "json"]),
    ("burndown", ["burndown", "--format", "json"]),
    ("burndown-1", ["burndown", "--number", "1", "--format", "json"]),
    ("attainment", ["attainment", "--format", "json"]),
    (
        "attainment-q4-rita",
        ["attainment", "--member", "rita", "--from", "2026-10-01", "--to", "2026-12-31", "--format", "json"],
    ),
    ("pipeline", ["pipeline", "--format", "json"]),
    (
        "pipeline-by-member-to-23-november",
        ["pipeline", "--from", "2026-11-01", "--to", "2026-11-23", "--by", "member", "--format", "json"],
    ),
    ("forecast", ["forecast", "--format", "json"]),
    ("coaching", ["coaching", "--format", "json"]),
    ("one-on-one-rita.txt", ["one-on-one", "rita"]),
    ("daily-rita.txt", ["daily", "rita", "--date", "2026-11-24"]),
]


def _composites(rep: str) -> list[tuple[str, str, Callable[[Any, str], Any]]]:
    """(golden name, login, call): what the screens read, as `dump_json` would print it."""
    from salessprint.services.reports.dashboard import dashboard
    from salessprint.services.reports.forecast import member_forecasts
    from salessprint.services.reports.rep_detail import rep_detail
    from salessprint.services.reports.review import review

    return [
        ("dashboard-manager", "manager", dashboard),
        ("dashboard-rep", rep, dashboard),
        ("rep-detail-manager", "manager", lambda store, login: rep_detail(store, login, rep)),
        ("rep-detail-self", rep, lambda store, login: rep_detail(store, login, rep)),
        ("review", "manager", review),
        ("member-forecasts", "manager", member_forecasts),
    ]


def _check(name: str, text: str) -> None:
    path = GOLDEN / name if name.endswith(".txt") else GOLDEN / f"{name}.json"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"no golden file {path.name}: run with SALESSPRINT_UPDATE_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed"


def _run_all(store: Any, prefix: str, manager: str, rep: str, commands: list[tuple[str, list[str]]]) -> None:
    url = str(store.url)
    for name, args in commands:
        result = CliRunner().invoke(cli, ["--db", url, "--as", manager, "report", *args], catch_exceptions=False)
        assert result.exit_code == 0, (name, result.output)
        _check(f"{prefix}/{name}", result.output)
    for name, who, call in _composites(rep):
        login = manager if who == "manager" else who
        result = call(store, login)
        data = result.to_json() if hasattr(result, "to_json") else to_jsonable(result)
        _check(f"{prefix}/{name}", json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def test_demo_reports_unchanged(demo_store: Any) -> None:
    _run_all(demo_store, "demo", "maria", "alex", DEMO_COMMANDS)


@pytest.fixture
def story_team(team_store: Any) -> Any:
    build_story(team_store)
    return team_store


def test_team_reports_unchanged(story_team: Any) -> None:
    _run_all(story_team, "team", "max", "rita", TEAM_COMMANDS)


def test_empty_team_reports_unchanged(team_store: Any) -> None:
    """No deals, no sprints, no targets: the empty answers (nulls, empty lists)."""
    commands = [(name, args) for name, args in TEAM_COMMANDS if "--number" not in args]
    _run_all(team_store, "empty", "max", "rita", commands)
