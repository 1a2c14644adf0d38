"""`time-off` commands on the command line: days off, stretches, team holidays, refusals."""

from __future__ import annotations

import json
from typing import Any


def test_add_list_and_remove_days_off(team: Any) -> None:
    out = team("time-off", "add", "2026-12-02", "--note", "dentist [bold]x[/]", as_="rita").output
    assert out == "Day off recorded for Rita Rep: 2026-12-02.\n"
    out = team("time-off", "add", "2026-12-04", "--to", "2026-12-08", as_="rita").output
    assert out == "Days off recorded for Rita Rep: 2026-12-04, 2026-12-07, 2026-12-08.\n"
    out = team("time-off", "add", "2026-12-24", "--team", "--note", "Christmas Eve", as_="mo").output
    assert out == "Team holiday recorded for the team: 2026-12-24.\n"
    again = team("time-off", "add", "2026-12-02", as_="rita").output
    assert again == "Already recorded for Rita Rep: 2026-12-02.\n"
    rows = json.loads(team("time-off", "list", "--format", "json", as_="rita").output)["time_off"]
    assert [(r["day"], r["login"], r["note"]) for r in rows] == [
        ("2026-12-02", "rita", "dentist [bold]x[/]"),
        ("2026-12-04", "rita", None),
        ("2026-12-07", "rita", None),
        ("2026-12-08", "rita", None),
        ("2026-12-24", None, "Christmas Eve"),
    ]
    listed = team("time-off", "list", "--from", "2026-12-07", "--to", "2026-12-31", as_="rita").output
    assert listed.splitlines()[0].split() == ["DAY", "LOGIN", "NAME", "NOTE"] and "2026-12-04" not in listed
    out = team("time-off", "remove", "2026-12-04", "--to", "2026-12-07", as_="rita").output
    assert out == "Removed for Rita Rep: 2026-12-04, 2026-12-07.\n"
    out = team("time-off", "remove", "2026-12-24", "--team", as_="mo").output
    assert out == "Removed for the team: 2026-12-24.\n"
    days = [r["day"] for r in json.loads(team("time-off", "list", "--format", "json", as_="mo").output)["time_off"]]
    assert days == ["2026-12-02", "2026-12-08"]


def test_a_manager_records_anyones_days(team: Any) -> None:
    out = team("time-off", "add", "2026-12-03", "--member", "rita", as_="mo").output
    assert out == "Day off recorded for Rita Rep: 2026-12-03.\n"


def test_refusals_are_plain_and_change_nothing(team: Any) -> None:
    cases = [
        (("time-off", "add", "2026-12-03", "--member", "mo"), "rita", "only for their own"),
        (("time-off", "add", "2026-12-24", "--team"), "rita", "Only a manager or above may set the team's holidays"),
        (("time-off", "add", "2026-12-05"), "rita", "Saturday 2026-12-05 is not a working day"),
        (("time-off", "add", "2026-12-09", "--to", "2026-12-01"), "rita", "ends (2026-12-01) before it starts"),
        (("time-off", "add", "2026-02-30"), "rita", "'2026-02-30' is not a real date"),
        (("time-off", "add", "2026-12-24", "--team", "--member", "rita"), "mo", "--team or --member LOGIN, not both"),
        (("time-off", "remove", "2026-12-01"), "rita", "No time off recorded for Rita Rep on 2026-12-01"),
        (("time-off", "list", "--from", "2026-12-40"), "rita", "'2026-12-40' is not a real date"),
    ]
    for args, who, words in cases:
        result = team(*args, as_=who)
        assert result.exit_code == 1, args
        assert words in result.output and "Traceback" not in result.output, (args, result.output)
    assert json.loads(team("time-off", "list", "--format", "json", as_="mo").output)["time_off"] == []
