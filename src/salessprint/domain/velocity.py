"""Sprint item outcomes, carry-over, velocity and the forecast.

The store computes the sums in SQL; this module owns the rules those sums
follow, so the SQL and the tests agree on one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from salessprint.domain.calendar import sprint_window
from salessprint.domain.enums import ItemOutcome

FORECAST_WINDOW = 3


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What closing a sprint needs to know about one of its items."""

    points: int
    done_on: date | None
    """The team's day it was done; None while it is not done."""
    removed: bool
    added_after_start: bool
    done_outside: bool = False
    """Done before it joined the sprint (see `done_before_joining`), and still done."""


def done_before_joining(done_at: datetime | None, joined_at: datetime | None) -> bool:
    """Jira's "completed outside this sprint": the item was already done when
    it joined the sprint (at the start for a committed item, when it was added
    for one added later). Done at the very moment it joined counts as inside."""
    return done_at is not None and joined_at is not None and done_at < joined_at


def outcome_at_close(item: ItemFacts, carry_over: bool) -> ItemOutcome:
    """Jira's meanings, decided once, when the sprint is closed: an item done
    at the close is completed whenever it was done (after the end date too);
    one already done before it joined the sprint is completed outside it;
    the rest carries over into the next sprint or is dropped, as the close said."""
    if item.removed:
        return ItemOutcome.REMOVED
    if item.done_on is not None:
        return ItemOutcome.DONE_OUTSIDE if item.done_outside else ItemOutcome.DONE
    return ItemOutcome.CARRIED_OVER if carry_over else ItemOutcome.DROPPED


@dataclass(frozen=True, slots=True)
class SprintTotals:
    """Jira's sprint report in points: committed at start, completed, etc."""

    committed: int
    completed: int
    added: int
    removed: int
    carried: int
    """Not completed and carried into the next sprint."""
    dropped: int = 0
    """Not completed and left behind (closed without carry-over)."""
    completed_outside: int = 0
    """Done before they joined the sprint: outside completed points and velocity."""

    @property
    def not_completed(self) -> int:
        return self.carried + self.dropped

    @property
    def velocity(self) -> int:
        return self.completed


def totals(items: list[ItemFacts], carry_over: bool) -> SprintTotals:
    """Reference implementation of the closed sprint's report, used to test the SQL."""
    outcomes = [(i, outcome_at_close(i, carry_over)) for i in items]

    def points(outcome: ItemOutcome) -> int:
        return sum(i.points for i, o in outcomes if o is outcome)

    return SprintTotals(
        committed=sum(i.points for i in items if not i.added_after_start),
        completed=points(ItemOutcome.DONE),
        added=sum(i.points for i in items if i.added_after_start),
        removed=points(ItemOutcome.REMOVED),
        carried=points(ItemOutcome.CARRIED_OVER),
        dropped=points(ItemOutcome.DROPPED),
        completed_outside=points(ItemOutcome.DONE_OUTSIDE),
    )


def started_window(
    start_day: date, length_weeks: int, planned: tuple[date, date], keep_dates: bool
) -> tuple[date, date]:
    """A sprint's dates once started: Jira dates it from the day it starts
    (the end after the team's sprint length), unless the manager keeps the
    planned dates."""
    if keep_dates:
        return planned
    return sprint_window(start_day, length_weeks)


def forecast(velocities_oldest_first: list[int | float | Decimal], window: int = FORECAST_WINDOW) -> Decimal | None:
    """Mean velocity of the last `window` closed sprints; None with no history."""
    recent = velocities_oldest_first[-window:]
    if not recent:
        return None
    return (sum((Decimal(str(v)) for v in recent), Decimal(0)) / len(recent)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )  # exact mean, rounded once half up (float's round(1.25, 1) gave 1.2)


MIN_HISTORY = 3
"""Closed sprints a forecast needs; with fewer it is unknown."""


def history_gap(closed: int, needed: int = MIN_HISTORY) -> str | None:
    """Why a forecast over `closed` sprints is unknown ("2 closed sprints; a
    forecast needs 3"), or None when the history is long enough."""
    if closed >= needed:
        return None
    noun = "closed sprint" if closed == 1 else "closed sprints"
    return f"{closed} {noun}; a forecast needs {needed}"


def known_forecast(
    velocities_oldest_first: list[int | float | Decimal], window: int = FORECAST_WINDOW, needed: int = MIN_HISTORY
) -> tuple[Decimal | None, str | None]:
    """(the mean of the last `window` sprints, None) with at least `needed`
    closed sprints, else (None, the reason it is unknown)."""
    gap = history_gap(len(velocities_oldest_first), needed)
    if gap is not None:
        return None, gap
    return forecast(velocities_oldest_first, window), None
