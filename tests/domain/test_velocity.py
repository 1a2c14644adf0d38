from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.enums import ItemOutcome
from salessprint.domain.velocity import ItemFacts, forecast, history_gap, known_forecast, outcome_at_close, totals

END = date(2026, 11, 29)

items = st.builds(
    ItemFacts,
    points=st.integers(0, 13),
    done_on=st.one_of(st.none(), st.dates(min_value=END - timedelta(days=10), max_value=END + timedelta(days=5))),
    removed=st.booleans(),
    added_after_start=st.booleans(),
)


def test_done_before_the_end_counts_and_late_work_carries_over() -> None:
    on_time = ItemFacts(3, END, False, False)
    late = ItemFacts(3, END + timedelta(days=1), False, False)
    assert outcome_at_close(on_time, END, carry_over=True) is ItemOutcome.DONE
    assert outcome_at_close(late, END, carry_over=True) is ItemOutcome.CARRIED_OVER
    assert outcome_at_close(late, END, carry_over=False) is ItemOutcome.DROPPED
    assert outcome_at_close(ItemFacts(3, END, True, False), END, carry_over=True) is ItemOutcome.REMOVED


@given(st.lists(items, max_size=30), st.booleans())
def test_every_point_not_removed_is_either_completed_or_carried(batch: list[ItemFacts], carry: bool) -> None:
    t = totals(batch, END)
    assert t.completed + t.carried + t.removed == sum(i.points for i in batch)
    assert t.committed + t.added == sum(i.points for i in batch)
    assert t.velocity == t.completed
    outcomes = [outcome_at_close(i, END, carry) for i in batch]
    assert sum(i.points for i, o in zip(batch, outcomes, strict=True) if o is ItemOutcome.DONE) == t.completed


def test_forecast_is_the_mean_of_the_last_three() -> None:
    assert forecast([]) is None
    assert forecast([10]) == Decimal("10.0")
    assert forecast([100, 10, 20, 31]) == Decimal("20.3")


def test_a_forecast_with_too_little_history_is_unknown_and_says_why() -> None:
    assert history_gap(2) == "2 closed sprints; a forecast needs 3"
    assert history_gap(1) == "1 closed sprint; a forecast needs 3"
    assert history_gap(0, 5) == "0 closed sprints; a forecast needs 5"
    assert history_gap(3) is None
    assert known_forecast([4, 6]) == (None, "2 closed sprints; a forecast needs 3")
    assert known_forecast([4, 6], needed=2) == (Decimal("5.0"), None)
    # (2 + 4 + 9) / 3 = 5.0 over the last three; the window of 2 gives (4 + 9) / 2 = 6.5
    assert known_forecast([10, 2, 4, 9]) == (Decimal("5.0"), None)
    assert known_forecast([10, 2, 4, 9], window=2) == (Decimal("6.5"), None)


def test_forecast_is_the_exact_mean_rounded_once_half_up() -> None:
    # (1 + 1 + 1 + 2) / 4 = 1.25: 1.3, where float's round(1.25, 1) gives 1.2 (issue 12, item 6)
    from decimal import Decimal

    from salessprint.domain.velocity import forecast

    assert forecast([1, 1, 1, 2], window=4) == Decimal("1.3")
    assert forecast([2, 2, 3], window=3) == Decimal("2.3")
