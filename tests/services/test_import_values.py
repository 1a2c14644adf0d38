"""The CRM-aware value parsers: what they accept, and what they refuse."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

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


# -- DealRow's fast check (common._fast_deal) agrees with the model ---------
def _by_pydantic(values: dict[str, object]) -> dict[str, object] | None:
    from pydantic import ValidationError

    from salessprint.services.importing.common import DealRow

    try:
        return DealRow(line=2, **values).model_dump()
    except ValidationError:
        return None


def test_the_fast_checks_table_is_the_models_constraints() -> None:
    from salessprint.services.importing.common import DEAL_DAYS, DEAL_TEXT, DealRow

    assert set(DealRow.model_fields) == {
        "line",
        *DEAL_TEXT,
        *DEAL_DAYS,
        "value",
        "outcome",
        "probability",
        "created_at",
    }
    base = {"external_id": "E1", "title": "T", "stage": "S"}
    for key, (longest, optional) in DEAL_TEXT.items():
        assert _by_pydantic({**base, key: "x" * longest}) is not None, key
        assert _by_pydantic({**base, key: "x" * (longest + 1)}) is None, key
        assert (_by_pydantic({**base, key: None}) is not None) == optional, key


TRICKY: list[object] = [
    None,
    "",
    "  ",
    " Acme ",
    "a\r\nb",
    "a\rb",
    "tab\there",
    "esc\x1b[2J",
    "bidi\u202eevil",
    "x" * 60,
    "x" * 61,
    "x" * 121,
    "x" * 301,
    5,
    True,
    -1,
    0,
    100,
    101,
    "50",
    Decimal("1234.50"),
    Decimal("1E+2"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    date(2024, 1, 22),
    datetime(2024, 1, 22, 10, 0, tzinfo=UTC),
    datetime(2024, 1, 22, 0, 0),
    "2024-01-22",
]


@pytest.mark.parametrize(
    "key",
    [
        "external_id",
        "title",
        "account",
        "stage",
        "owner",
        "product",
        "next_step",
        "lost_reason",
        "value",
        "outcome",
        "probability",
        "started_on",
        "closed_on",
        "expected_close",
        "created_at",
        "unknown",
    ],
)
def test_the_fast_check_never_accepts_what_the_model_refuses_nor_changes_a_value(key: str) -> None:
    from salessprint.services.importing.common import _fast_deal

    base: dict[str, object] = {"external_id": "E1", "title": "T", "stage": "S", "value": Decimal("10.00")}
    accepted = 0
    for raw in TRICKY:
        values = {**base, key: raw}
        fast = _fast_deal(2, values)
        expected = _by_pydantic(values)
        if fast is None:
            continue  # the model judges the row (and words its errors)
        accepted += 1
        assert expected is not None, (key, raw)
        assert fast.model_dump() == expected, (key, raw)
        assert [str(v) for v in fast.model_dump().values()] == [str(v) for v in expected.values()], (key, raw)
    assert accepted or key == "unknown"
    assert _fast_deal(2, {k: v for k, v in base.items() if k != "title"}) is None  # a required field missing


MAVEN_PIPELINE = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "crm-sales-opportunities" / "sales_pipeline.csv"
)


@pytest.mark.skipif(not MAVEN_PIPELINE.exists(), reason="shared data set not beside the repo")
def test_the_maven_files_rows_are_the_same_with_or_without_the_fast_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from salessprint.services.importing import common, read_file

    fast = [row.model_dump() for row in read_file(MAVEN_PIPELINE, "maven").deals]
    monkeypatch.setattr(common, "_fast_deal", lambda line, values: None)
    slow = [row.model_dump() for row in read_file(MAVEN_PIPELINE, "maven").deals]
    assert len(fast) == 8800
    assert fast == slow


@pytest.mark.parametrize(
    "raw", ["0", "7", "0012", "1054", "999999999999", "1000000000000", "١٢٣", "²", " 42 ", "12.5", "1,000"]
)
def test_whole_amounts_read_as_the_general_rule_reads_them(raw: str) -> None:
    """crm_money's shortcut for plain digits gives what parse_money gives (or refuses alike)."""
    from salessprint.domain.inputs import parse_money

    try:
        expected: object = parse_money(raw)
    except ValueError:
        expected = ValueError
    try:
        got: object = crm_money(raw)
    except ValueError:
        got = ValueError
    assert got == expected and str(got) == str(expected)
