"""Sales forecast categories, as a VP of Sales reads them in Salesforce
Forecasts, Clari or HubSpot: the rules with no I/O.

Every open deal sits in one category: pipeline, best case, commit or
omitted; a won deal is closed, a lost one omitted. The category follows the
deal's stage (`default_category`) unless its owner set one on the deal.

The roll-up of a rep (or the team) for a period (`roll_up`) turns the sums
per category into the figures a forecast call reads: closed won, commit,
best case, pipeline, quota, gap and pipeline coverage. Week over week
(`movements`) compares one deal as it was seven days ago with how it is
today; close-date pushes (`is_push`, `push_flag`) mark deals whose expected
close keeps moving later.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from salessprint.domain.enums import StageKind
from salessprint.domain.errors import InvalidInput
from salessprint.domain.metrics import money


class ForecastCategory(StrEnum):
    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    OMITTED = "omitted"
    CLOSED = "closed"
    """Won: counted as closed won, never set by hand."""


SETTABLE = (ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT, ForecastCategory.OMITTED)
"""What an owner may put a deal in; `default` goes back to the stage's category."""

COMMIT_FROM = 80
"""An open stage with a win probability of 80 % or more defaults to commit (Negotiation)."""
BEST_CASE_FROM = 60
"""60 % to 79 % defaults to best case (Proposal)."""
# 1 % to 59 % is pipeline (Lead, Qualified, Meeting); an open stage at 0 % is omitted.

PUSH_FLAG_AT = 3
"""A deal whose expected close was moved later this many times or more is flagged."""

HUNDREDTH = Decimal("0.01")


def default_category(kind: StageKind | str, probability: int) -> ForecastCategory:
    """The category a deal gets from its stage: won is closed, lost is
    omitted; an open stage by its win probability: 80 % and above commit,
    60-79 % best case, 1-59 % pipeline, 0 % omitted."""
    kind = StageKind(kind)
    if kind is StageKind.WON:
        return ForecastCategory.CLOSED
    if kind is StageKind.LOST:
        return ForecastCategory.OMITTED
    if probability >= COMMIT_FROM:
        return ForecastCategory.COMMIT
    if probability >= BEST_CASE_FROM:
        return ForecastCategory.BEST_CASE
    if probability > 0:
        return ForecastCategory.PIPELINE
    return ForecastCategory.OMITTED


def effective_category(
    kind: StageKind | str, stage_probability: int, override: ForecastCategory | str | None
) -> ForecastCategory:
    """The deal's category: closed when won and omitted when lost whatever
    was set; an open deal's own category if its owner set one, else the stage's."""
    kind = StageKind(kind)
    if kind is not StageKind.OPEN or override is None:
        return default_category(kind, stage_probability)
    return ForecastCategory(override)


def parse_category(raw: str) -> ForecastCategory | None:
    """A user's word for a category to set: 'commit', 'best case' / 'best-case',
    'pipeline', 'omitted'; 'default' (None) follows the stage again."""
    wanted = raw.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted == "default":
        return None
    for category in SETTABLE:
        if category.value == wanted:
            return category
    choices = ", ".join(c.value.replace("_", "-") for c in SETTABLE)
    raise InvalidInput(
        f"Unknown forecast category '{raw}'. Choose one of: {choices}, or default (the stage's).",
        field="forecast_category",
    )


# --- the roll-up ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CategorySums:
    """What one rep (or the team) has in a period: won value closed in it, and
    the open deals expected to close in it, summed by category."""

    closed_won: Decimal = Decimal(0)
    commit: Decimal = Decimal(0)
    best_case: Decimal = Decimal(0)
    pipeline: Decimal = Decimal(0)

    def __add__(self, other: CategorySums) -> CategorySums:
        return CategorySums(
            self.closed_won + other.closed_won,
            self.commit + other.commit,
            self.best_case + other.best_case,
            self.pipeline + other.pipeline,
        )

    def __sub__(self, other: CategorySums) -> CategorySums:
        return CategorySums(
            self.closed_won - other.closed_won,
            self.commit - other.commit,
            self.best_case - other.best_case,
            self.pipeline - other.pipeline,
        )


@dataclass(frozen=True, slots=True)
class RollUp:
    """The forecast call for a period, from a rep's or the team's sums."""

    closed_won: Decimal
    commit: Decimal
    """Open deals in commit."""
    best_case: Decimal
    """Open deals in best case (commit not included)."""
    pipeline: Decimal
    """Open deals in pipeline."""
    commit_forecast: Decimal
    """Closed won + commit: what the rep says will close at worst."""
    best_case_forecast: Decimal
    """Closed won + commit + best case: what can close if things go well."""
    open_pipeline: Decimal
    """Commit + best case + pipeline: every open deal expected in the period, omitted aside."""
    quota: Decimal | None
    gap: Decimal | None
    """Quota - commit forecast (negative: the commit call is over quota); None without a quota."""
    remaining_quota: Decimal | None
    """Quota - closed won, never below 0; None without a quota."""
    coverage: Decimal | None
    """Open pipeline / remaining quota (3.00 means three times), two decimals;
    None (unknown) without a quota or when nothing remains to be won."""


def roll_up(sums: CategorySums, quota: Decimal | None) -> RollUp:
    """The period's figures from the category sums and the quota in force."""
    commit_forecast = sums.closed_won + sums.commit
    open_pipeline = sums.commit + sums.best_case + sums.pipeline
    remaining = None if quota is None else max(Decimal(0), quota - sums.closed_won)
    coverage = None
    if remaining is not None and remaining > 0:
        coverage = (open_pipeline / remaining).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    return RollUp(
        closed_won=money(sums.closed_won),
        commit=money(sums.commit),
        best_case=money(sums.best_case),
        pipeline=money(sums.pipeline),
        commit_forecast=money(commit_forecast),
        best_case_forecast=money(commit_forecast + sums.best_case),
        open_pipeline=money(open_pipeline),
        quota=quota,
        gap=None if quota is None else money(quota - commit_forecast),
        remaining_quota=None if remaining is None else money(remaining),
        coverage=coverage,
    )


def coverage_reason(quota: Decimal | None, closed_won: Decimal) -> str | None:
    """Why coverage is unknown, in a manager's words; None when it is known."""
    if quota is None:
        return "no quota in force"
    if quota - closed_won <= 0:
        return "quota already won"
    return None


# --- week over week -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DealState:
    """What week over week compares of a deal at one moment."""

    owner_id: int
    value: Decimal
    open: bool
    category: ForecastCategory
    expected_close: date | None
    won: bool = False
    closed_on: date | None = None


def contribution(state: DealState | None, start: date, end: date) -> CategorySums:
    """What one deal adds to its owner's sums for [start, end]: its value as
    closed won when won in the period, else in its category when open, not
    omitted, and expected to close in the period; nothing otherwise."""
    if state is None:
        return CategorySums()
    if state.won:
        inside = state.closed_on is not None and start <= state.closed_on <= end
        return CategorySums(closed_won=state.value) if inside else CategorySums()
    if not _in_period(state, start, end):
        return CategorySums()
    if state.category is ForecastCategory.COMMIT:
        return CategorySums(commit=state.value)
    if state.category is ForecastCategory.BEST_CASE:
        return CategorySums(best_case=state.value)
    return CategorySums(pipeline=state.value)


def sums_at(
    now_sums: dict[int, CategorySums],
    pairs: Iterable[tuple[DealState | None, DealState | None]],
    start: date,
    end: date,
) -> dict[int, CategorySums]:
    """Each owner's sums at an earlier moment, from today's sums and the deals
    that changed since (then, now): today's contribution of each changed deal
    taken out, its contribution then put back."""
    out = dict(now_sums)
    for then, now in pairs:
        if now is not None:
            out[now.owner_id] = out.get(now.owner_id, CategorySums()) - contribution(now, start, end)
        if then is not None:
            out[then.owner_id] = out.get(then.owner_id, CategorySums()) + contribution(then, start, end)
    return out


class Movement(StrEnum):
    NEWLY_COMMITTED = "newly_committed"
    """In commit for the period now, not a week ago."""
    PULLED_IN = "pulled_in"
    """Expected in the period now; a week ago expected after it (or undated)."""
    PUSHED = "pushed"
    """Expected in the period a week ago, and its expected close is later now."""
    SLIPPED = "slipped"
    """Expected in the period a week ago, now expected after it (or undated), still open."""


MOVEMENTS = tuple(Movement)


def _in_period(state: DealState | None, start: date, end: date) -> bool:
    return (
        state is not None
        and state.open
        and state.category is not ForecastCategory.OMITTED
        and state.expected_close is not None
        and start <= state.expected_close <= end
    )


def _after(day: date | None, end: date) -> bool:
    return day is None or day > end


def movements(then: DealState | None, now: DealState | None, start: date, end: date) -> set[Movement]:
    """How a deal moved in the forecast of the period [start, end] between a
    week ago (`then`, None if it did not exist) and today (`now`, None if deleted).

    A deal counts in a period when it is open, not omitted, and expected to
    close inside it. Won or lost in the week is not a movement (it shows in
    closed won, or leaves the forecast).
    """
    out: set[Movement] = set()
    was_in, is_in = _in_period(then, start, end), _in_period(now, start, end)
    commit_now = is_in and now is not None and now.category is ForecastCategory.COMMIT
    commit_then = was_in and then is not None and then.category is ForecastCategory.COMMIT
    if commit_now and not commit_then:
        out.add(Movement.NEWLY_COMMITTED)
    if is_in and then is not None and then.open and not was_in and _after(then.expected_close, end):
        out.add(Movement.PULLED_IN)
    if was_in and then is not None and now is not None and now.open:
        assert then.expected_close is not None
        if now.expected_close is None or now.expected_close > then.expected_close:
            out.add(Movement.PUSHED)
        if _after(now.expected_close, end):
            out.add(Movement.SLIPPED)
    return out


def movement_sums(
    pairs: Iterable[tuple[DealState | None, DealState | None]], start: date, end: date
) -> dict[int, dict[Movement, tuple[int, Decimal]]]:
    """Per owner (today's, else a week ago's): count and value of each movement.
    Values are the deal's value today (a week ago's for a deleted deal)."""
    out: dict[int, dict[Movement, tuple[int, Decimal]]] = {}
    for then, now in pairs:
        latest = now or then
        if latest is None:
            continue
        for move in movements(then, now, start, end):
            mine = out.setdefault(latest.owner_id, {})
            n, v = mine.get(move, (0, Decimal(0)))
            mine[move] = (n + 1, v + latest.value)
    return out


# --- close-date pushes ----------------------------------------------------------


def is_push(before: date | None, after: date | None) -> bool:
    """A change of expected close is a push when it moves a set date later."""
    return before is not None and after is not None and after > before


def count_pushes(close_dates_oldest_first: Iterable[date | None]) -> int:
    """How many times a deal's expected close moved later, over its successive close dates."""
    pushes, previous, first = 0, None, True
    for day in close_dates_oldest_first:
        if not first and is_push(previous, day):
            pushes += 1
        previous, first = day, False
    return pushes


def push_flag(pushes: int) -> bool:
    """Three pushes or more: a deal the rep keeps promising and not closing."""
    return pushes >= PUSH_FLAG_AT


def push_message(deals: Sequence[tuple[int, str, int]], shown: int = 5) -> str:
    """The coaching line for a rep's deals (id, title, pushes), most pushed first."""
    listed = ", ".join(f"#{i} {t} ({n} times)" for i, t, n in deals[:shown])
    more = f" and {len(deals) - shown} more" if len(deals) > shown else ""
    plural = "s" if len(deals) > 1 else ""
    return f"{len(deals)} deal{plural} with the expected close pushed {PUSH_FLAG_AT} times or more: {listed}{more}"


# --- forecast accuracy ----------------------------------------------------------


def accuracy(actual: Decimal, committed: Decimal) -> Decimal | None:
    """Actual won / commit called, in percent with one decimal (100 % is a
    perfect call, below it the rep over-called); None when nothing was committed."""
    if committed == 0:
        return None
    return (actual * 100 / committed).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
