"""Forecast categories: the stage defaults, the roll-up, coverage, week over
week, push counting and the flag, each against a case worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.enums import DEFAULT_STAGES, StageKind
from salessprint.domain.errors import InvalidInput
from salessprint.domain.forecast_categories import (
    CategorySums,
    DealState,
    ForecastCategory,
    Movement,
    accuracy,
    contribution,
    count_pushes,
    coverage_reason,
    default_category,
    effective_category,
    is_push,
    movement_sums,
    movements,
    parse_category,
    push_flag,
    push_message,
    roll_up,
    sums_at,
)

NOV = (date(2026, 11, 1), date(2026, 11, 30))
C = ForecastCategory


def test_the_default_stages_map_as_the_readme_says() -> None:
    got = {name: default_category(kind, p) for name, p, kind in DEFAULT_STAGES}
    assert got == {
        "Lead": C.PIPELINE,
        "Qualified": C.PIPELINE,
        "Meeting": C.PIPELINE,
        "Proposal": C.BEST_CASE,
        "Negotiation": C.COMMIT,
        "Won": C.CLOSED,
        "Lost": C.OMITTED,
    }


@pytest.mark.parametrize(
    ("probability", "category"),
    [
        (0, C.OMITTED),
        (1, C.PIPELINE),
        (59, C.PIPELINE),
        (60, C.BEST_CASE),
        (79, C.BEST_CASE),
        (80, C.COMMIT),
        (100, C.COMMIT),
    ],
)
def test_an_open_stage_defaults_by_its_probability(probability: int, category: ForecastCategory) -> None:
    assert default_category(StageKind.OPEN, probability) is category


def test_the_owner_overrides_an_open_deal_but_not_a_closed_one() -> None:
    assert effective_category("open", 10, "commit") is C.COMMIT
    assert effective_category("open", 80, None) is C.COMMIT
    assert effective_category("open", 80, C.OMITTED) is C.OMITTED
    # Won is closed and lost is omitted, whatever was set while open.
    assert effective_category("won", 100, "pipeline") is C.CLOSED
    assert effective_category("lost", 0, "commit") is C.OMITTED


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("commit", C.COMMIT),
        ("Best case", C.BEST_CASE),
        ("best-case", C.BEST_CASE),
        (" PIPELINE ", C.PIPELINE),
        ("omitted", C.OMITTED),
        ("default", None),
    ],
)
def test_parse_category(raw: str, want: ForecastCategory | None) -> None:
    assert parse_category(raw) is want


@pytest.mark.parametrize("raw", ["closed", "won", "", "commit!"])
def test_parse_category_refuses_what_an_owner_cannot_set(raw: str) -> None:
    with pytest.raises(InvalidInput, match="Choose one of: pipeline, best-case, commit, omitted, or default"):
        parse_category(raw)


def test_roll_up_by_hand() -> None:
    # Won 2,000; commit 3,000; best case 1,500; pipeline 4,500; quota 10,000.
    r = roll_up(CategorySums(Decimal(2000), Decimal(3000), Decimal(1500), Decimal(4500)), Decimal("10000.00"))
    assert r.commit_forecast == Decimal("5000.00")  # 2,000 + 3,000
    assert r.best_case_forecast == Decimal("6500.00")  # + 1,500
    assert r.open_pipeline == Decimal("9000.00")  # 3,000 + 1,500 + 4,500
    assert r.gap == Decimal("5000.00")  # 10,000 - 5,000
    assert r.remaining_quota == Decimal("8000.00")  # 10,000 - 2,000
    assert r.coverage == Decimal("1.13")  # 9,000 / 8,000 = 1.125, half up


def test_coverage_is_unknown_without_quota_or_with_quota_won() -> None:
    none = roll_up(CategorySums(pipeline=Decimal(100)), None)
    assert (none.quota, none.gap, none.remaining_quota, none.coverage) == (None, None, None, None)
    assert coverage_reason(None, Decimal(0)) == "no quota in force"
    won = roll_up(CategorySums(closed_won=Decimal(12000), commit=Decimal(1000)), Decimal(10000))
    assert won.remaining_quota == Decimal("0.00")
    assert won.coverage is None
    assert won.gap == Decimal("-3000.00")  # the commit call is 3,000 over quota
    assert coverage_reason(Decimal(10000), Decimal(12000)) == "quota already won"
    zero = roll_up(CategorySums(pipeline=Decimal(5)), Decimal(0))
    assert zero.coverage is None
    assert coverage_reason(Decimal(0), Decimal(0)) == "quota already won"


def test_coverage_is_exact_before_it_is_rounded() -> None:
    # 1,000 of pipeline over 3,000 remaining is 0.3333…: 0.33, not a rounded sum.
    assert roll_up(CategorySums(pipeline=Decimal("1000.00")), Decimal("3000.00")).coverage == Decimal("0.33")
    assert roll_up(CategorySums(commit=Decimal("0.01")), Decimal("0.02")).coverage == Decimal("0.50")


def _deal(
    category: ForecastCategory = C.COMMIT,
    close: date | None = date(2026, 11, 20),
    *,
    is_open: bool = True,
    value: str = "1000",
    owner: int = 1,
    won: bool = False,
    closed_on: date | None = None,
) -> DealState:
    return DealState(owner, Decimal(value), is_open, category, close, won, closed_on)


@pytest.mark.parametrize(
    ("then", "now", "want"),
    [
        # pipeline in November -> commit in November: newly committed
        (_deal(C.PIPELINE), _deal(C.COMMIT), {Movement.NEWLY_COMMITTED}),
        # commit in December -> commit in November: pulled in, and newly in November's commit
        (_deal(C.COMMIT, date(2026, 12, 3)), _deal(C.COMMIT), {Movement.PULLED_IN, Movement.NEWLY_COMMITTED}),
        # best case undated -> best case in November: pulled in only
        (_deal(C.BEST_CASE, None), _deal(C.BEST_CASE), {Movement.PULLED_IN}),
        # November 20 -> November 27: pushed, still in the month
        (_deal(C.PIPELINE), _deal(C.PIPELINE, date(2026, 11, 27)), {Movement.PUSHED}),
        # November 20 -> December 4: pushed and slipped out
        (_deal(C.COMMIT), _deal(C.COMMIT, date(2026, 12, 4)), {Movement.PUSHED, Movement.SLIPPED}),
        # November 20 -> no date: pushed and slipped
        (_deal(C.COMMIT), _deal(C.COMMIT, None), {Movement.PUSHED, Movement.SLIPPED}),
        # moved earlier inside the month: nothing
        (_deal(C.PIPELINE), _deal(C.PIPELINE, date(2026, 11, 5)), set()),
        # commit -> best case in the month: not a movement of these four
        (_deal(C.COMMIT), _deal(C.BEST_CASE), set()),
        # October (overdue) -> November: not pulled in (it was not after the period)
        (_deal(C.PIPELINE, date(2026, 10, 30)), _deal(C.PIPELINE), set()),
        # won in the week: no movement (closed won shows it)
        (_deal(C.COMMIT), _deal(C.CLOSED, is_open=False, won=True, closed_on=date(2026, 11, 19)), set()),
        # new this week, in commit: newly committed; new in pipeline: nothing
        (None, _deal(C.COMMIT), {Movement.NEWLY_COMMITTED}),
        (None, _deal(C.PIPELINE), set()),
        # deleted: nothing
        (_deal(C.COMMIT), None, set()),
        # omitted deals are out of the forecast: omitted -> commit is newly committed
        (_deal(C.OMITTED), _deal(C.COMMIT), {Movement.NEWLY_COMMITTED}),
        # commit -> omitted in the same month and date: none of the four
        (_deal(C.COMMIT), _deal(C.OMITTED), set()),
    ],
)
def test_movements(then: DealState | None, now: DealState | None, want: set[Movement]) -> None:
    assert movements(then, now, *NOV) == want


def test_movement_sums_per_owner_at_today_values() -> None:
    pairs = [
        (_deal(C.PIPELINE, owner=1), _deal(C.COMMIT, value="300", owner=1)),  # newly committed 300
        (_deal(C.COMMIT, owner=1), _deal(C.COMMIT, date(2026, 12, 1), value="200", owner=1)),  # pushed+slipped 200
        (_deal(C.COMMIT, date(2027, 1, 5), owner=2), _deal(C.COMMIT, value="50", owner=3)),  # reassigned: new owner
    ]
    got = movement_sums(pairs, *NOV)
    assert got[1] == {
        Movement.NEWLY_COMMITTED: (1, Decimal(300)),
        Movement.PUSHED: (1, Decimal(200)),
        Movement.SLIPPED: (1, Decimal(200)),
    }
    assert got[3] == {Movement.PULLED_IN: (1, Decimal(50)), Movement.NEWLY_COMMITTED: (1, Decimal(50))}
    assert 2 not in got


def test_contribution() -> None:
    assert contribution(_deal(C.COMMIT), *NOV) == CategorySums(commit=Decimal(1000))
    assert contribution(_deal(C.BEST_CASE), *NOV) == CategorySums(best_case=Decimal(1000))
    assert contribution(_deal(C.PIPELINE), *NOV) == CategorySums(pipeline=Decimal(1000))
    assert contribution(_deal(C.OMITTED), *NOV) == CategorySums()
    assert contribution(_deal(C.COMMIT, date(2026, 12, 1)), *NOV) == CategorySums()
    won = _deal(C.CLOSED, None, is_open=False, won=True, closed_on=date(2026, 11, 3))
    assert contribution(won, *NOV) == CategorySums(closed_won=Decimal(1000))
    lost = _deal(C.OMITTED, None, is_open=False, closed_on=date(2026, 11, 3))
    assert contribution(lost, *NOV) == CategorySums()
    assert contribution(None, *NOV) == CategorySums()


def test_sums_at_takes_out_today_and_puts_back_then() -> None:
    # Today rep 1 has won 1,000 (a deal won this week, in commit a week ago) and a
    # deal of 400 in pipeline that was in commit at 500 a week ago.
    today = {1: CategorySums(closed_won=Decimal(1000), pipeline=Decimal(400))}
    pairs = [
        (_deal(C.COMMIT), _deal(C.CLOSED, None, is_open=False, won=True, closed_on=date(2026, 11, 25))),
        (_deal(C.COMMIT, value="500"), _deal(C.PIPELINE, value="400")),
    ]
    assert sums_at(today, pairs, *NOV) == {1: CategorySums(commit=Decimal(1500))}


_states = st.one_of(
    st.none(),
    st.builds(
        DealState,
        owner_id=st.integers(1, 3),
        value=st.integers(0, 10_000).map(Decimal),
        open=st.booleans(),
        category=st.sampled_from(list(C)),
        expected_close=st.one_of(st.none(), st.dates(date(2026, 10, 1), date(2027, 1, 31))),
        won=st.booleans(),
        closed_on=st.one_of(st.none(), st.dates(date(2026, 10, 1), date(2027, 1, 31))),
    ),
)


def _total(states: list[DealState | None]) -> dict[int, CategorySums]:
    out: dict[int, CategorySums] = {}
    for s in states:
        if s is not None:
            out[s.owner_id] = out.get(s.owner_id, CategorySums()) + contribution(s, *NOV)
    return out


@given(st.lists(st.tuples(_states, _states), max_size=12))
def test_sums_at_equals_summing_the_deals_as_they_were(pairs: list[tuple[DealState | None, DealState | None]]) -> None:
    then = _total([t for t, _n in pairs])
    got = sums_at(_total([n for _t, n in pairs]), pairs, *NOV)
    zero = CategorySums()
    assert {k: v for k, v in got.items() if v != zero} == {k: v for k, v in then.items() if v != zero}


def test_a_push_moves_a_set_date_later() -> None:
    assert is_push(date(2026, 11, 20), date(2026, 11, 21))
    assert not is_push(date(2026, 11, 20), date(2026, 11, 20))
    assert not is_push(date(2026, 11, 20), date(2026, 11, 1))
    assert not is_push(None, date(2026, 11, 20))  # setting a first date is no push
    assert not is_push(date(2026, 11, 20), None)  # clearing it is no push


def test_count_pushes_by_hand() -> None:
    days = [None, date(2026, 11, 10), date(2026, 11, 20), date(2026, 11, 15), date(2026, 12, 1), None, date(2027, 1, 1)]
    # None->10th no, 10th->20th push, 20th->15th no, 15th->1 Dec push, ->None no, None->1 Jan no
    assert count_pushes(days) == 2
    assert count_pushes([]) == 0
    assert count_pushes([date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]) == 3


def test_the_flag_starts_at_three_pushes() -> None:
    assert [push_flag(n) for n in range(5)] == [False, False, False, True, True]


def test_push_message() -> None:
    assert push_message([(4, "Acme renewal", 5)]) == (
        "1 deal with the expected close pushed 3 times or more: #4 Acme renewal (5 times)"
    )
    many = [(i, f"D{i}", 3) for i in range(1, 8)]
    assert push_message(many).endswith("#5 D5 (3 times) and 2 more")
    assert push_message(many).startswith("7 deals with")


def test_accuracy() -> None:
    assert accuracy(Decimal(700), Decimal(1200)) == Decimal("58.3")  # 58.333…
    assert accuracy(Decimal(1200), Decimal(1200)) == Decimal("100.0")
    assert accuracy(Decimal(500), Decimal(0)) is None
