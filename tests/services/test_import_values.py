"""The CRM-aware value parsers: what they accept, and what they refuse."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salessprint.services.importing.common import crm_bool, crm_date, crm_datetime, crm_int, crm_money


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1234", Decimal("1234.00")),
        ("1234.5", Decimal("1234.50")),
        ("$1,234.50", Decimal("1234.50")),
        ("USD 1234", Decimal("1234.00")),
        ("1234 EUR", Decimal("1234.00")),
        ("€4000", Decimal("4000.00")),
        ("£ 12,500", Decimal("12500.00")),
        ("", None),
        ("  ", None),
        ("0", Decimal("0.00")),
    ],
)
def test_money_accepted(raw: str, value: Decimal | None) -> None:
    assert crm_money(raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1.234,56", "decimal comma"),
        ("1.234.567", "dots between thousands"),
        ("lots", "not an amount"),
        ("-5", "negative"),
        ("12.345", "two decimals"),
        ("NaN", "not an amount"),
        ("1e400", "too large"),
        ("$", "not an amount"),
        ("Infinity", "not an amount"),
    ],
)
def test_money_refused(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        crm_money(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2024-01-22T16:14:25.000+0000", datetime(2024, 1, 22, 16, 14, 25, tzinfo=UTC)),
        ("2024-01-22T18:14:25+02:00", datetime(2024, 1, 22, 16, 14, 25, tzinfo=UTC)),
        ("2024-01-22 16:14", datetime(2024, 1, 22, 16, 14, tzinfo=UTC)),
        ("02/23/26 08:55 PM", datetime(2026, 2, 23, 20, 55, tzinfo=UTC)),
        ("02/23/26 12:05 AM", datetime(2026, 2, 23, 0, 5, tzinfo=UTC)),
        ("2/3/2024", datetime(2024, 2, 3, tzinfo=UTC)),
    ],
)
def test_times_accepted(raw: str, value: datetime) -> None:
    assert crm_datetime(raw) == value


@pytest.mark.parametrize(
    "raw", ["2017-13-45", "2017-02-30", "13/45/17", "02/23/26 13:00 PM", "yesterday", "20170101", "2017-1-1"]
)
def test_dates_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="date|time"):
        crm_date(raw)


def test_small_parsers() -> None:
    assert crm_date("2017-03-01") == date(2017, 3, 1)
    assert [crm_bool(v) for v in ("1", "TRUE", "false", "0", "")] == [True, True, False, False, None]
    with pytest.raises(ValueError, match="yes/no"):
        crm_bool("maybe")
    assert crm_int("10") == 10 and crm_int("10.0") == 10 and crm_int("") is None
    with pytest.raises(ValueError, match="whole number"):
        crm_int("10.5")


def test_importing_and_backup_load_no_ui_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, salessprint.services.importing, salessprint.services.backup; "
        "print(sorted(m for m in ('textual', 'rich', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
