"""Sprint item outcomes, carry-over, velocity and the forecast.

The store computes the sums in SQL; this module owns the rules those sums
follow, so the SQL and the tests agree on one definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from salessprint.domain.enums import ItemOutcome

FORECAST_WINDOW = 3


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """What closing a sprint needs to know about one of its items."""

    points: int
    done_on: date | None
    removed: bool
    added_after_start: bool


def outcome_at_close(item: ItemFacts, sprint_end: date, carry_over: bool) -> ItemOutcome:
    """Done before the end counts; unfinished work carries over or is dropped."""
    if item.removed:
        return ItemOutcome.REMOVED
    if item.done_on is not None and item.done_on <= sprint_end:
        return ItemOutcome.DONE
    return ItemOutcome.CARRIED_OVER if carry_over else ItemOutcome.DROPPED


@dataclass(frozen=True, slots=True)
class SprintTotals:
    """Jira's sprint report in points: committed at start, completed, etc."""

    committed: int
    completed: int
    added: int
    removed: int
    carried: int

    @property
    def velocity(self) -> int:
        return self.completed


def totals(items: list[ItemFacts], sprint_end: date) -> SprintTotals:
    """Reference implementation of the sprint report, used to test the SQL."""
    committed = sum(i.points for i in items if not i.added_after_start)
    added = sum(i.points for i in items if i.added_after_start)
    removed = sum(i.points for i in items if i.removed)
    completed = sum(i.points for i in items if not i.removed and i.done_on is not None and i.done_on <= sprint_end)
    carried = sum(i.points for i in items if not i.removed and (i.done_on is None or i.done_on > sprint_end))
    return SprintTotals(committed, completed, added, removed, carried)


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
