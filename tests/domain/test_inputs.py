from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.errors import InvalidInput
from salessprint.domain.inputs import DealIn, TaskIn, parse_money, validate


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12500", "12500.00"), ("12,500.50", "12500.50"), ("0", "0.00"), (" 99.9 ", "99.90")],
)
def test_money_parses_exactly(raw: str, value: str) -> None:
    assert parse_money(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["-3", "lots", "1.234,56", "1.234", "NaN", "Infinity", "1e400"])
def test_bad_money_is_refused_with_the_field_named(raw: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate(DealIn, title="x", account="a", value=raw)
    assert err.value.field == "value"
    assert str(err.value).startswith("value:")


@given(st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False, allow_infinity=False))
def test_any_cent_amount_round_trips(amount: Decimal) -> None:
    assert parse_money(str(amount)) == amount


def test_unknown_task_kind_lists_the_choices() -> None:
    with pytest.raises(InvalidInput, match="'bogus' is not one of"):
        validate(TaskIn, title="Call", kind="bogus")


def test_impossible_date_names_the_field() -> None:
    with pytest.raises(InvalidInput, match="close date: '2026-02-31' is not a real date"):
        validate(DealIn, title="x", account="a", value="1", expected_close="2026-02-31")


def test_empty_title_is_refused() -> None:
    with pytest.raises(InvalidInput, match="^Title is required$"):
        validate(DealIn, title="   ", account="a", value="1")


@pytest.mark.parametrize("bidi", ["\u202a", "\u202e", "\u2066", "\u2069"])
def test_a_bidi_override_in_a_form_is_refused_with_the_field_named(bidi: str) -> None:
    with pytest.raises(InvalidInput, match=r"^next_step: contains a .* \(U\+20[26][0-9A-F]\), which reorders") as err:
        validate(DealIn, title="Renewal", account="Acme", value="10", next_step=f"call {bidi}back")
    assert err.value.field == "next_step"
    with pytest.raises(InvalidInput, match=r"title") as err:
        validate(TaskIn, title=f"Invoice {bidi}fdp.exe")
    assert err.value.field == "title"
