"""Odd but legal input at the boundary (domain/inputs.py): money in plain
digits only, days and times a timezone can convert, report ranges of at most
20 years, and no control characters in any form's text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salessprint.domain.errors import InvalidInput, NotFound
from salessprint.domain.inputs import (
    ActivityIn,
    DealIn,
    MemberIn,
    TaskIn,
    check_id,
    parse_money,
    report_range,
    validate,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12500", "12500.00"), ("12,500.50", "12500.50"), ("12500.5", "12500.50"), (" 7 ", "7.00"), ("-0", "0.00")],
)
def test_plain_decimal_money_is_accepted(raw: str, value: str) -> None:
    amount = parse_money(raw)
    assert amount == Decimal(value) and str(amount) == value


@pytest.mark.parametrize("raw", ["1e3", "1E3", "1_000", "NaN", "nan", "Infinity", "-Infinity", "0x10", "1e-2"])
def test_scientific_and_special_notations_are_not_money(raw: str) -> None:
    with pytest.raises(ValueError, match="is not an amount of money"):
        parse_money(raw)


def test_a_huge_amount_is_too_large_not_a_crash() -> None:
    for raw in ("9" * 5000, "1e400", "1E+400"):
        with pytest.raises(ValueError, match="too large"):
            parse_money(raw)


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00+05:00", "0001-01-01T00:00", "9999-12-31T23:59-05:00", "9999-12-31T00:00"]
)
def test_a_time_at_the_calendars_edge_is_refused_plainly(when: str) -> None:
    with pytest.raises(InvalidInput, match=r"^time: .* is out of range") as err:
        validate(ActivityIn, kind="call", when=when)
    assert err.value.field == "when"


def test_a_time_inside_the_calendar_is_kept() -> None:
    assert validate(ActivityIn, kind="call", when="0001-01-02T12:00+05:00").when is not None


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_at_the_calendars_edge_is_refused(day: str) -> None:
    with pytest.raises(InvalidInput, match=r"^close date: .* is out of range"):
        validate(DealIn, title="x", account="A", value="1", expected_close=day)


def test_report_ranges_are_at_most_twenty_years() -> None:
    assert report_range(date(2006, 1, 1), date(2025, 12, 31)) == (date(2006, 1, 1), date(2025, 12, 31))
    with pytest.raises(InvalidInput, match="at most 20 years"):
        report_range(date(2006, 1, 1), date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="at most 20 years"):
        report_range(date(1, 1, 2), date(9998, 12, 31))
    with pytest.raises(InvalidInput, match="before it starts"):
        report_range(date(2026, 2, 1), date(2026, 1, 1))
    with pytest.raises(InvalidInput, match=r"^to: 9999-12-31 is out of range"):
        report_range(None, date(9999, 12, 31))
    assert report_range(date(2024, 2, 29), date(2044, 2, 28))[1] == date(2044, 2, 28)


@pytest.mark.parametrize("raw", [0, -1, 2**31, 2**63, 10**20])
def test_an_id_no_row_can_have_is_not_found(raw: int) -> None:
    with pytest.raises(NotFound, match=rf"^No deal #{raw} in this team\.$"):
        check_id(raw, "deal")
    assert check_id(2**31 - 1, "deal") == 2**31 - 1


@pytest.mark.parametrize(
    ("model", "fields", "field"),
    [
        (DealIn, {"title": "x\x1b[2J", "account": "A", "value": "1"}, "title"),
        (DealIn, {"title": "x", "account": "A\x07", "value": "1"}, "account"),
        (DealIn, {"title": "x", "account": "A", "value": "1", "next_step": "call\x1b]0;t\x07"}, "next_step"),
        (TaskIn, {"title": "ring\x00"}, "title"),
        (MemberIn, {"login": "rita", "name": "Rita\x9b2J"}, "name"),
        (ActivityIn, {"kind": "call", "note": "said \x1b[31mno"}, "note"),
    ],
)
def test_control_characters_in_a_form_are_refused_with_the_field_named(
    model: type, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput, match="contains .*U\\+00") as err:
        validate(model, **fields)
    assert err.value.field == field


def test_tab_and_newline_are_welcome_in_notes() -> None:
    assert validate(ActivityIn, kind="call", note="line one\n\tline two").note == "line one\n\tline two"
