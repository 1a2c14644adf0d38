"""`team` commands on the command line: the forecast window."""

from __future__ import annotations

import json
from typing import Any


def test_forecast_window_is_shown_set_and_read_by_the_reports(team: Any) -> None:
    shown = team("team", "forecast", as_="mo").output
    assert shown == "Forecasts average the last 3 closed sprints and need at least 3 to be known.\n"
    out = team("team", "forecast", "--history", "6", "--min-history", "4", as_="mo").output
    assert out == "Forecasts average the last 6 closed sprints and need at least 4 to be known.\n"
    assert json.loads(team("team", "forecast", "--format", "json", as_="mo").output) == {"history": 6, "min_history": 4}
    # report velocity and report forecast read the team's window unless told otherwise.
    velocity = json.loads(team("report", "velocity", "--format", "json", as_="mo").output)
    assert velocity["history"] == 6
    assert velocity["forecast_reason"] == "0 closed sprints; a forecast needs 4"
    told = json.loads(
        team("report", "velocity", "--history", "2", "--min-history", "1", "--format", "json", as_="mo").output
    )
    assert told["history"] == 2 and told["forecast_reason"] == "0 closed sprints; a forecast needs 1"
    forecast = json.loads(team("report", "forecast", "--format", "json", as_="mo").output)
    assert forecast["next_sprint_reason"] == "0 closed sprints; a forecast needs 4"


def test_forecast_window_is_for_managers(team: Any) -> None:
    refused = team("team", "forecast", "--history", "2", as_="rita")
    assert refused.exit_code == 1 and refused.output.startswith("Error: Only a manager or above")
    assert team("team", "forecast", "--history", "0", as_="mo").exit_code == 2
