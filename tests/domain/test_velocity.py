from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salessprint.domain.enums import ItemOutcome
from salessprint.domain.velocity import (
    ItemFacts,
    SprintTotals,
    done_before_joining,
    forecast,
    history_gap,
    known_forecast,
    outcome_at_close,
    started_window,
    totals,
)

END = date(2026, 11, 29)
STARTED = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)

items = st.builds(
    ItemFacts,
    points=st.integers(0, 13),
    done_on=st.one_of(st.none(), st.dates(min_value=END - timedelta(days=10), max_value=END + timedelta(days=5))),
    removed=st.booleans(),
    added_after_start=st.booleans(),
    done_outside=st.booleans(),
)


def test_done_at_the_close_counts_whenever_it_was_done() -> None:
    on_time = ItemFacts(3, END, False, False)
    # Finished on Monday after the Sunday end, before the close: completed in this sprint.
    late = ItemFacts(3, END + timedelta(days=1), False, False)
    not_done = ItemFacts(3, None, False, False)
    assert outcome_at_close(on_time, carry_over=True) is ItemOutcome.DONE
    assert outcome_at_close(late, carry_over=True) is ItemOutcome.DONE
    assert outcome_at_close(late, carry_over=False) is ItemOutcome.DONE
    assert outcome_at_close(not_done, carry_over=True) is ItemOutcome.CARRIED_OVER
    assert outcome_at_close(not_done, carry_over=False) is ItemOutcome.DROPPED
    assert outcome_at_close(ItemFacts(3, END, True, False), carry_over=True) is ItemOutcome.REMOVED
    assert outcome_at_close(ItemFacts(3, None, True, False), carry_over=False) is ItemOutcome.REMOVED


def test_work_done_before_it_joined_the_sprint_is_completed_outside_it() -> None:
    pulled_in_done = ItemFacts(2, END - timedelta(days=20), False, False, done_outside=True)
    assert outcome_at_close(pulled_in_done, carry_over=True) is ItemOutcome.DONE_OUTSIDE
    assert outcome_at_close(pulled_in_done, carry_over=False) is ItemOutcome.DONE_OUTSIDE
    # Removed wins over everything: it left the sprint.
    assert outcome_at_close(ItemFacts(2, END, True, False, done_outside=True), carry_over=True) is ItemOutcome.REMOVED


def test_done_before_joining_compares_the_moment_done_with_the_moment_joined() -> None:
    assert done_before_joining(STARTED - timedelta(minutes=1), STARTED) is True
    # Done at the moment it joined, or after: inside the sprint.
    assert done_before_joining(STARTED, STARTED) is False
    assert done_before_joining(STARTED + timedelta(hours=1), STARTED) is False
    assert done_before_joining(None, STARTED) is False
    assert done_before_joining(STARTED, None) is False


def test_the_report_of_a_closed_sprint_by_hand() -> None:
    batch = [
        ItemFacts(5, END - timedelta(days=3), False, False),  # done in the sprint
        ItemFacts(3, END + timedelta(days=1), False, False),  # done after the end, before the close
        ItemFacts(2, END - timedelta(days=30), False, False, done_outside=True),  # pulled in done
        ItemFacts(1, None, True, False),  # removed
        ItemFacts(4, None, False, False),  # not done
        ItemFacts(1, END, False, True),  # added after the start, done
    ]
    dropped = totals(batch, carry_over=False)
    assert dropped == SprintTotals(
        committed=5 + 3 + 2 + 1 + 4, completed=5 + 3 + 1, added=1, removed=1, carried=0, dropped=4, completed_outside=2
    )
    assert dropped.velocity == 9
    assert dropped.not_completed == 4
    carried = totals(batch, carry_over=True)
    assert (carried.carried, carried.dropped, carried.velocity) == (4, 0, 9)


@given(st.lists(items, max_size=30), st.booleans())
def test_every_point_lands_in_exactly_one_outcome(batch: list[ItemFacts], carry: bool) -> None:
    t = totals(batch, carry)
    assert t.completed + t.completed_outside + t.carried + t.dropped + t.removed == sum(i.points for i in batch)
    assert t.committed + t.added == sum(i.points for i in batch)
    assert t.velocity == t.completed
    assert (t.dropped if carry else t.carried) == 0
    outcomes = [outcome_at_close(i, carry) for i in batch]
    assert sum(i.points for i, o in zip(batch, outcomes, strict=True) if o is ItemOutcome.DONE) == t.completed


def test_a_started_sprint_is_dated_from_its_start_unless_the_planned_dates_are_kept() -> None:
    planned = (date(2026, 11, 9), date(2026, 11, 15))
    monday = date(2026, 11, 16)
    assert started_window(monday, 1, planned, keep_dates=False) == (monday, date(2026, 11, 22))
    assert started_window(monday, 2, planned, keep_dates=False) == (monday, date(2026, 11, 29))
    assert started_window(monday, 1, planned, keep_dates=True) == planned
    # Started on a Wednesday: a week from Wednesday to Tuesday.
    assert started_window(date(2026, 11, 18), 1, planned, keep_dates=False) == (
        date(2026, 11, 18),
        date(2026, 11, 24),
    )


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
