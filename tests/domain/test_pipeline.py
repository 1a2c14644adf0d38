"""The pipeline's figures rounded once from exact sums, and a deal on a past day (domain/pipeline.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.enums import StageKind
from salessprint.domain.pipeline import (
    DealOnDay,
    DealRecord,
    PipelineFigures,
    PipelineSums,
    StageInfo,
    Unknown,
    deal_on,
    open_on_day,
    rounded,
)

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def test_rounded_once_half_away_from_zero() -> None:
    assert rounded(Fraction(1, 8), CENT) == Decimal("0.13")
    assert rounded(Fraction(-1, 8), CENT) == Decimal("-0.13")
    assert rounded(Fraction(2, 3), CENT) == Decimal("0.67")
    assert rounded(Fraction(1249, 10000), CENT) == Decimal("0.12")
    assert rounded(Fraction(5, 100), TENTH) == Decimal("0.1")
    assert rounded(Fraction(7), CENT) == Decimal("7.00")
    assert rounded(None, CENT) is None


@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6))
def test_rounded_agrees_with_decimal_half_up(value: Fraction) -> None:
    # Decimal division at 60 digits is exact enough to settle every tie of these denominators
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        expected = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)
    assert rounded(value, CENT) == expected


def test_velocity_from_the_exact_sums_not_the_rounded_figures() -> None:
    """3 won for 1,000 over 10 days in all, 4 lost, 7 qualified open deals: the rate is
    3/7 (42.9 %), the average 333.33, the cycle 3.3 days; velocity is 7 x 3/7 x 1000/3 /
    (10/3) = 300.00 exactly, where the rounded figures give 7 x 0.429 x 333.33 / 3.3 = 303.33."""
    f = PipelineFigures.of(PipelineSums(won=3, lost=4, won_value=Decimal("1000.00"), won_days=10, qualified=7))
    assert (f.win_rate, f.average_won_value, f.average_cycle_days) == (
        Decimal("42.9"),
        Decimal("333.33"),
        Decimal("3.3"),
    )
    assert f.pipeline_velocity == Decimal("300.00")
    from_rounded = Decimal(7) * f.win_rate / 100 * f.average_won_value / f.average_cycle_days  # type: ignore[operator]
    assert from_rounded.quantize(CENT) == Decimal("303.33")


def test_unknown_figures_and_weighted_value() -> None:
    f = PipelineFigures.of(PipelineSums(open=2, open_value=Decimal("1500.50"), weighted=Decimal("60030.00")))
    assert (f.win_rate, f.average_won_value, f.average_cycle_days, f.pipeline_velocity) == (None, None, None, None)
    assert f.weighted_value == Decimal("600.30")  # 60 % of 1,000.50 (60,030) / 100
    same_day = PipelineFigures.of(PipelineSums(won=1, won_value=Decimal(5), won_days=0, qualified=2))
    assert (same_day.average_cycle_days, same_day.pipeline_velocity) == (Decimal("0.0"), None)


@given(
    st.lists(
        st.tuples(
            st.integers(0, 50), st.integers(0, 50), st.integers(0, 10**7), st.integers(0, 5000), st.integers(0, 40)
        ),
        min_size=1,
        max_size=6,
    )
)
def test_groups_add_up_and_velocity_is_one_fraction(parts: list[tuple[int, int, int, int, int]]) -> None:
    sums = [
        PipelineSums(won=w, lost=lo, won_value=Decimal(c) / 100, won_days=d, qualified=q) for w, lo, c, d, q in parts
    ]
    total = sum(sums, PipelineSums())
    assert total.won == sum(p[0] for p in parts) and total.won_value == sum(Decimal(p[2]) / 100 for p in parts)
    f = PipelineFigures.of(total)
    if total.won and total.won_days:
        exact = (
            Fraction(total.qualified * total.won)
            * Fraction(total.won_value)
            / ((total.won + total.lost) * total.won_days)
        )
        assert f.pipeline_velocity == rounded(exact, CENT)
    else:
        assert f.pipeline_velocity is None


# --- a deal on a past day ---------------------------------------------------------

STAGES = {
    1: StageInfo(1, "Lead", StageKind.OPEN, 0, 10),
    2: StageInfo(2, "Proposal", StageKind.OPEN, 3, 60),
    3: StageInfo(3, "Won", StageKind.WON, 5, 100),
    4: StageInfo(4, "Lost", StageKind.LOST, 6, 0),
}
DAY = date(2026, 11, 20)
CUTOFF = datetime(2026, 11, 21, tzinfo=UTC)


def row(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "title": "Alpha",
        "owner_id": 7,
        "value": "4000.00",
        "stage_id": 2,
        "probability": None,
        "started_on": "2026-11-02",
        "closed_on": None,
        "stage_entered_at": "2026-11-02T10:00:00+00:00",
    }
    return base | over


def record(**over: object) -> DealRecord:
    fields: dict[str, object] = {
        "deal_id": 1,
        "logged": None,
        "deleted": False,
        "first_after": None,
        "created_after": True,
        "stage_event": None,
    }
    return DealRecord(**(fields | over))  # type: ignore[arg-type]


def test_a_logged_deal_stands_as_its_last_change_left_it() -> None:
    got = deal_on(record(logged=row(probability=70)), DAY, CUTOFF, STAGES)
    assert isinstance(got, DealOnDay)
    assert (got.owner_id, got.value, got.stage.name, got.probability) == (7, Decimal("4000.00"), "Proposal", 70)
    assert got.entered_at == datetime(2026, 11, 2, 10, tzinfo=UTC)


def test_a_logged_deal_closed_by_then_or_deleted_is_not_open() -> None:
    assert deal_on(record(logged=row(stage_id=3, closed_on="2026-11-19")), DAY, CUTOFF, STAGES) is None
    assert deal_on(record(logged=row(stage_id=3, closed_on="2026-11-20")), DAY, CUTOFF, STAGES) is None
    assert deal_on(record(deleted=True), DAY, CUTOFF, STAGES) is None
    gone = deal_on(record(logged=row(stage_id=9)), DAY, CUTOFF, STAGES)
    assert isinstance(gone, Unknown) and "no longer exists" in gone.reason


def test_an_imported_deal_is_read_by_its_dates_and_stage_history() -> None:
    """Imported after the day with its past: started 2 Nov, won 25 Nov, in Lead from 2 Nov."""
    imported = row(stage_id=3, closed_on="2026-11-25", stage_entered_at="2026-11-25T00:00:00+00:00")
    lead_since = ("Lead", datetime(2026, 11, 2, tzinfo=UTC))
    got = deal_on(record(first_after=imported, stage_event=lead_since), DAY, CUTOFF, STAGES)
    assert isinstance(got, DealOnDay)
    assert (got.stage.name, got.probability, got.entered_at) == ("Lead", 10, lead_since[1])
    # not started yet, or closed by then
    assert deal_on(record(first_after=row(started_on="2026-11-21")), DAY, CUTOFF, STAGES) is None
    assert deal_on(record(first_after=row(stage_id=4, closed_on="2026-11-20")), DAY, CUTOFF, STAGES) is None
    # its history says it was won by then, though its close date says later: not open
    won = ("Won", datetime(2026, 11, 19, tzinfo=UTC))
    assert deal_on(record(first_after=imported, stage_event=won), DAY, CUTOFF, STAGES) is None


def test_without_stage_history_a_deal_counts_in_its_stage_only_if_it_was_in_it_then() -> None:
    same = deal_on(record(first_after=row()), DAY, CUTOFF, STAGES)
    assert isinstance(same, DealOnDay) and same.stage.name == "Proposal"
    later = deal_on(record(first_after=row(stage_entered_at="2026-11-25T09:00:00+00:00")), DAY, CUTOFF, STAGES)
    assert isinstance(later, Unknown) and later.reason == "its stage then is not recorded"
    moved = deal_on(record(first_after=row(), later_stage_events=True), DAY, CUTOFF, STAGES)
    assert isinstance(moved, Unknown)
    assert isinstance(deal_on(record(first_after={}), DAY, CUTOFF, STAGES), Unknown)


def test_a_deal_first_logged_by_an_update_after_the_day_stood_as_that_update_found_it() -> None:
    got = deal_on(record(first_after=row(value="900.00"), created_after=False), DAY, CUTOFF, STAGES)
    assert isinstance(got, DealOnDay) and got.value == Decimal("900.00")


def test_open_on_day_sums_per_owner_and_finds_rotting() -> None:
    """Limit 21 days before the cutoff (21 Nov 00:00): 31 Oct 00:00. A deal in Proposal
    since 30 Oct rots; one since 31 Oct 00:00 exactly does not."""

    def on(deal_id: int, owner: int, value: str, stage: int, entered: datetime) -> DealOnDay:
        return DealOnDay(
            deal_id, f"D{deal_id}", owner, Decimal(value), STAGES[stage], STAGES[stage].probability, entered
        )

    deals: list[DealOnDay | Unknown | None] = [
        on(1, 7, "1000.00", 2, datetime(2026, 10, 30, tzinfo=UTC)),
        on(2, 7, "500.50", 1, datetime(2026, 10, 31, tzinfo=UTC)),
        on(3, 8, "200.00", 1, datetime(2026, 10, 1, tzinfo=UTC)),
        None,
        Unknown(4, "why"),
    ]
    out = open_on_day(deals, CUTOFF, 21, first_position=0)
    assert out.sums[7] == PipelineSums(
        open=2,
        open_value=Decimal("1500.50"),
        weighted=Decimal("65005.00"),  # 1,000 x 60 + 500.50 x 10
        qualified=1,
        rotting=1,
        rotting_value=Decimal("1000.00"),
    )
    assert out.sums[8].rotting == 1 and out.sums[8].qualified == 0
    assert [d.deal_id for d in out.rotting] == [3, 1]
    assert [u.deal_id for u in out.unknown] == [4]


def test_a_partial_row_in_the_change_log_is_unknown_not_a_crash() -> None:
    partial = deal_on(record(logged={"stage_id": 2}), DAY, CUTOFF, STAGES)
    assert isinstance(partial, Unknown) and "incomplete" in partial.reason
    assert isinstance(deal_on(record(first_after={"owner_id": 7, "stage_id": 2}), DAY, CUTOFF, STAGES), Unknown)


def test_a_day_in_the_calendars_first_weeks_has_nothing_rotting() -> None:
    cutoff = datetime(1, 1, 4, tzinfo=UTC)
    deal = DealOnDay(1, "Old", 7, Decimal(1), STAGES[1], 10, datetime(1, 1, 2, tzinfo=UTC))
    out = open_on_day([deal], cutoff, 21, first_position=0)
    assert out.sums[7].open == 1 and out.sums[7].rotting == 0
