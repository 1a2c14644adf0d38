"""What the README says about the demo team, checked against the reports the
README points at (`report coaching`, `report attainment`, `member list`,
`sprint list`) through the command line, on the demo built with the test clock.
The README's sentences are read too: change one and this test must change with it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from salessprint.cli import cli
from tests.conftest import FROZEN_NOW

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
DEMO_PARAGRAPH = " ".join(README.split('The demo team ("Northwind Field Sales")')[1].split("\n\n")[0].split())
TODAY = FROZEN_NOW.date()
LAST_MONTH = ("2026-10-01", "2026-10-31")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from salessprint.domain import clock
    from salessprint.services import open_store
    from salessprint.services.demo import build_demo

    path = tmp_path_factory.mktemp("readme-demo") / "demo.db"
    with clock.freeze(FROZEN_NOW):
        store = open_store(f"sqlite:///{path}", check_schema=False)
        build_demo(store, seed=7)
        store.dispose()

    def run(*args: str) -> Any:
        result = CliRunner().invoke(
            cli,
            ["--db", f"sqlite:///{path}", "--as", "maria", *args, "--format", "json"],
            env={"SALESSPRINT_NOW": FROZEN_NOW.isoformat()},
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run


def flags(demo: Any) -> dict[str, set[str]]:
    return {m["login"]: {f["code"] for f in m["flags"]} for m in demo("report", "coaching")["members"]}


def attainment(demo: Any) -> dict[str, float | None]:
    rows = demo("report", "attainment", "--from", LAST_MONTH[0], "--to", LAST_MONTH[1])["members"]
    return {m["login"]: None if m["attainment"] is None else float(m["attainment"]) for m in rows}


def says(phrase: str) -> None:
    assert phrase in DEMO_PARAGRAPH, f"the README no longer says {phrase!r}: update this test with it"


def test_the_team_is_who_the_readme_says(demo: Any) -> None:
    says("a manager, Maria (`maria`, who you are in the demo), and seven reps: AEs Alex")
    says("SDRs Dana, Eli (started five weeks ago) and Gustavo, and CSM Francesca")
    members = {m["login"]: m for m in demo("member", "list")["members"]}
    assert members["maria"]["role"] == "manager"
    reps = {login: m["sales_role"] for login, m in members.items() if m["role"] == "rep"}
    assert reps == {
        "alex": "AE",
        "bea": "AE",
        "chris": "AE",
        "dana": "SDR",
        "eli": "SDR",
        "gus": "SDR",
        "fran": "CSM",
    }
    # "Started five weeks ago": 35 to 41 days before today, and coaching calls Eli new.
    started = date.fromisoformat(members["eli"]["started_on"])
    assert 35 <= (TODAY - started).days <= 41
    assert "new_rep" in flags(demo)["eli"]


def test_alex_is_well_above_quota(demo: Any) -> None:
    says("Alex (well above quota)")
    assert (attainment(demo)["alex"] or 0) >= 120
    assert "under_quota" not in flags(demo)["alex"]


def test_beatriz_is_just_under_quota_and_her_velocity_is_not_falling(demo: Any) -> None:
    says("Beatriz (just under quota, her velocity steady)")
    assert 90 <= (attainment(demo)["bea"] or 0) < 100
    coaching = flags(demo)["bea"]
    assert "under_quota" in coaching and "velocity_falling" not in coaching


def test_chris_is_under_quota_and_his_velocity_falls_three_sprints_running(demo: Any) -> None:
    says("Chris (under quota, velocity falling three sprints running)")
    assert (attainment(demo)["chris"] or 0) < 90
    assert {"under_quota", "velocity_falling"} <= flags(demo)["chris"]
    # Only Chris: the README names no one else as falling.
    assert [login for login, codes in flags(demo).items() if "velocity_falling" in codes] == ["chris"]


def test_twelve_closed_weekly_sprints_and_the_active_one_holds_today(demo: Any) -> None:
    says("It holds twelve closed weekly sprints, the active sprint containing today, about 150 deals")
    sprints = demo("sprint", "list")["sprints"]
    closed = [s for s in sprints if s["state"] == "closed"]
    [active] = [s for s in sprints if s["state"] == "active"]
    assert len(closed) == 12
    assert all((date.fromisoformat(s["ends_on"]) - date.fromisoformat(s["starts_on"])).days == 6 for s in sprints)
    assert date.fromisoformat(active["starts_on"]) <= TODAY <= date.fromisoformat(active["ends_on"])
    assert 140 <= len(demo("deal", "list", "--limit", "1000")["deals"]) <= 160


def test_the_paragraph_read_is_the_demo_paragraph() -> None:
    assert re.match(r"^has a manager, Maria", DEMO_PARAGRAPH)
