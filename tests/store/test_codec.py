"""Columns <-> JSON: every column type survives a round trip, and a bad value says why."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from salessprint.store.codec import column_from_json, column_to_json, row_from_json, row_to_json, to_json
from salessprint.store.models import Change, Deal, Member, Team


class _Colour(Enum):
    RED = "red"


def _column(model: Any, name: str) -> Any:
    return model.__table__.c[name]


@pytest.mark.parametrize(
    ("model", "name", "value"),
    [
        (Deal, "value", Decimal("1234.50")),
        (Deal, "started_on", date(2026, 11, 26)),
        (Deal, "stage_entered_at", datetime(2026, 11, 26, 10, 30, tzinfo=UTC)),
        (Deal, "closed_on", None),
        (Deal, "backlog_rank", 2.5),
        (Deal, "points", 3),
        (Deal, "title", "Größe — 大"),
        (Member, "active", False),
        (Change, "after", {"value": "1.00", "title": "A"}),
    ],
)
def test_each_column_type_round_trips_through_json(model: Any, name: str, value: Any) -> None:
    column = _column(model, name)
    written = json.loads(json.dumps(column_to_json(column, value)))
    assert column_from_json(column, written) == value


def test_money_is_written_with_cents_and_times_in_utc() -> None:
    assert column_to_json(_column(Deal, "value"), Decimal("5")) == "5.00"
    assert column_to_json(_column(Deal, "stage_entered_at"), datetime(2026, 1, 2, tzinfo=UTC)) == (
        "2026-01-02T00:00:00+00:00"
    )
    assert to_json(_Colour.RED) == "red"
    assert to_json(Decimal("1.50")) == "1.50"


@pytest.mark.parametrize(
    ("model", "name", "value", "reason"),
    [
        (Deal, "value", 12.5, "not money written as a string"),
        (Deal, "value", "1.005", "with cents"),
        (Deal, "stage_entered_at", "2026-11-26T10:30:00", "no time zone"),
        (Deal, "started_on", "2026-02-30", "not a real date"),
        (Deal, "started_on", None, "empty but required"),
        (Deal, "points", True, "not a whole number"),
        (Member, "active", "yes", "not true or false"),
        (Deal, "title", "x" * 301, "longer than 300"),
        (Change, "after", [1], "not a JSON object"),
    ],
)
def test_a_value_that_does_not_fit_says_why(model: Any, name: str, value: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        column_from_json(_column(model, name), value)


def test_a_row_round_trips_and_unknown_keys_are_left_out() -> None:
    team = Team(
        id=1,
        name="Acme",
        currency="EUR",
        timezone="UTC",
        week_start=0,
        sprint_weeks=1,
        rotting_days=21,
        demo=False,
        version=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    data = row_to_json(team)
    assert data["created_at"] == "2026-01-01T00:00:00+00:00"
    back = row_from_json(Team, {**json.loads(json.dumps(data)), "not_a_column": 1})
    assert "not_a_column" not in back
    assert back["created_at"] == team.created_at and back["name"] == "Acme"
