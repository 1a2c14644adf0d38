"""The pipeline's figures, exact to the end, and a deal's state on a past day.

`PipelineSums` holds what SQL sums for a group of deals (a rep, a territory,
a manager's team, the whole team); `PipelineFigures.of` turns them into the
reported figures. Every figure is computed from the unrounded sums as an
exact fraction and rounded once, for display: pipeline velocity is
qualified open deals x won / (won + lost) x won value / won / (cycle days /
won), not the product of the rounded win rate, average and cycle.

`deal_on` reconstructs one deal as it stood at the end of a past day, from
the audit log (the row as of its last change by then), the deal's own dates
(started, closed) and its stage history, or says why it cannot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from salessprint.domain.enums import StageKind

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def rounded(value: Fraction | None, quantum: Decimal) -> Decimal | None:
    """An exact fraction rounded once to `quantum`, half away from zero
    (as Decimal's ROUND_HALF_UP); None stays None."""
    if value is None:
        return None
    steps = abs(value) / Fraction(quantum)
    whole = steps.numerator // steps.denominator
    if steps - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(-whole if value < 0 else whole) * quantum).quantize(quantum)


@dataclass(frozen=True, slots=True)
class PipelineSums:
    """What SQL sums for a group of deals: the closed ones of a range and the open ones."""

    won: int = 0
    lost: int = 0
    won_value: Decimal = Decimal(0)
    won_days: int = 0
    """Days from creation to win, summed over the won deals."""
    open: int = 0
    open_value: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    """Open value x win probability in percent points (value x 60 for 60 %), summed."""
    qualified: int = 0
    """Open deals past the first stage."""
    rotting: int = 0
    rotting_value: Decimal = Decimal(0)

    def __add__(self, other: PipelineSums) -> PipelineSums:
        return PipelineSums(
            self.won + other.won,
            self.lost + other.lost,
            self.won_value + other.won_value,
            self.won_days + other.won_days,
            self.open + other.open,
            self.open_value + other.open_value,
            self.weighted + other.weighted,
            self.qualified + other.qualified,
            self.rotting + other.rotting,
            self.rotting_value + other.rotting_value,
        )


@dataclass(frozen=True, slots=True)
class PipelineFigures:
    """The reported figures of one group, each rounded once from the exact value."""

    win_rate: Decimal | None
    """Won / (won + lost) in %, one decimal; None when nothing closed."""
    average_won_value: Decimal | None
    """To the cent; None without a win."""
    average_cycle_days: Decimal | None
    """Mean days from creation to win, one decimal; None without a win."""
    weighted_value: Decimal
    """To the cent."""
    pipeline_velocity: Decimal | None
    """Money per day to the cent; None when a factor is unknown or the cycle is 0."""

    @classmethod
    def of(cls, s: PipelineSums) -> PipelineFigures:
        rate = Fraction(s.won, s.won + s.lost) if s.won + s.lost else None
        avg = Fraction(s.won_value) / s.won if s.won else None
        cycle = Fraction(s.won_days, s.won) if s.won else None
        velocity = None
        if rate is not None and avg is not None and cycle:
            velocity = s.qualified * rate * avg / cycle
        return cls(
            win_rate=rounded(rate * 100 if rate is not None else None, TENTH),
            average_won_value=rounded(avg, CENT),
            average_cycle_days=rounded(cycle, TENTH),
            weighted_value=rounded(Fraction(s.weighted) / 100, CENT) or Decimal("0.00"),
            pipeline_velocity=rounded(velocity, CENT),
        )


# --- a deal on a past day ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageInfo:
    """One of the team's stages, as the reconstruction reads it."""

    id: int
    name: str
    kind: StageKind
    position: int
    probability: int


@dataclass(frozen=True, slots=True)
class DealRecord:
    """What the store knows of one deal around a past day's end (`cutoff`).

    `logged` is the deal's row after its last audit-log change before the
    cutoff (None when it has none), `deleted` whether that change deleted it.
    `first_after` is the deal's row as first recorded after the cutoff (the
    row a create wrote, or the row before the first update), else its row
    today; `created_after` says whether that first record was its creation.
    `stage_event` is the newest stage change before the cutoff (stage name,
    when), `later_stage_events` whether it has stage changes after it.
    """

    deal_id: int
    logged: Mapping[str, Any] | None
    deleted: bool
    first_after: Mapping[str, Any] | None
    created_after: bool
    stage_event: tuple[str, datetime] | None
    later_stage_events: bool = False


@dataclass(frozen=True, slots=True)
class DealOnDay:
    """An open deal as it stood at the end of the day."""

    deal_id: int
    title: str
    owner_id: int
    value: Decimal
    stage: StageInfo
    probability: int
    """Its own win probability, else its stage's."""
    entered_at: datetime
    """When it entered the stage it was in."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A deal whose state on the day the store cannot tell."""

    deal_id: int
    reason: str
    owner_id: int | None = None
    """Its owner as far as the store knows (None when it knows nothing of it)."""


NEEDED = frozenset({"stage_id", "value", "owner_id", "stage_entered_at", "closed_on"})
"""What a row of the change log must hold for the deal to be rebuilt from it."""


def _day(raw: Any) -> date | None:
    if raw is None:
        return None
    return raw if isinstance(raw, date) and not isinstance(raw, datetime) else date.fromisoformat(str(raw)[:10])


def _instant(raw: Any) -> datetime:
    return raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))


def _owner(row: Mapping[str, Any]) -> int | None:
    owner = row.get("owner_id")
    return None if owner is None else int(owner)


def _open(row: Mapping[str, Any], stage: StageInfo, entered: datetime, record: DealRecord) -> DealOnDay:
    own = row.get("probability")
    same_stage = row.get("stage_id") == stage.id
    return DealOnDay(
        deal_id=record.deal_id,
        title=str(row.get("title") or ""),
        owner_id=int(row["owner_id"]),
        value=Decimal(str(row["value"])),
        stage=stage,
        probability=int(own) if own is not None and same_stage else stage.probability,
        entered_at=entered,
    )


def deal_on(
    record: DealRecord, day: date, cutoff: datetime, stages: Mapping[int, StageInfo]
) -> DealOnDay | Unknown | None:
    """The deal open at the end of `day` (before `cutoff`, the next day's
    start in the team's timezone), None when it was not open then (not yet
    started, closed, deleted), Unknown when the store cannot tell.

    1. A deal with an audit-log change before the cutoff stood as that change
       left it: its row then says its stage, value, owner and close date.
    2. A deal that came into the store later (imported with its past) was
       open on the day if it had started by then and was not yet closed, by
       its own dates; its stage then is the newest stage change before the
       cutoff, else its stage today if it has not changed stage since.
    """
    by_name = {s.name: s for s in stages.values()}
    if record.deleted:
        return None
    if record.logged is not None:
        row = record.logged
        if not row.keys() >= NEEDED:
            return Unknown(record.deal_id, "the change log's copy of it is incomplete", _owner(row))
        closed = _day(row.get("closed_on"))
        if closed is not None and closed <= day:
            return None
        stage = stages.get(int(row["stage_id"]))
        if stage is None:
            return Unknown(record.deal_id, "its stage then no longer exists", _owner(row))
        if stage.kind is not StageKind.OPEN:
            return None
        return _open(row, stage, _instant(row["stage_entered_at"]), record)
    row = record.first_after or {}
    if not row:
        return Unknown(record.deal_id, "nothing is recorded of it")
    if not record.created_after:
        # changed after the day but never logged before: its first record is how it stood
        return deal_on(DealRecord(record.deal_id, row, False, None, False, None), day, cutoff, stages)
    if not NEEDED | {"started_on"} <= row.keys():
        return Unknown(record.deal_id, "the change log's copy of it is incomplete", _owner(row))
    started = _day(row.get("started_on"))
    if started is None or started > day:
        return None
    closed = _day(row.get("closed_on"))
    if closed is not None and closed <= day:
        return None
    if record.stage_event is not None:
        name, at = record.stage_event
        stage = by_name.get(name)
        if stage is None:
            return Unknown(record.deal_id, f"its stage then ({name}) no longer exists", _owner(row))
        if stage.kind is not StageKind.OPEN:
            return None
        return _open(row, stage, at, record)
    now_stage = stages.get(int(row["stage_id"]))
    entered = _instant(row["stage_entered_at"])
    if (
        now_stage is not None
        and now_stage.kind is StageKind.OPEN
        and entered < cutoff
        and not record.later_stage_events
    ):
        return _open(row, now_stage, entered, record)
    return Unknown(record.deal_id, "its stage then is not recorded", _owner(row))


@dataclass(slots=True)
class OpenOnDay:
    """Open deals of a day, summed per owner, and the rotting ones."""

    sums: dict[int, PipelineSums] = field(default_factory=dict)
    rotting: list[DealOnDay] = field(default_factory=list)
    """Oldest first."""
    unknown: list[Unknown] = field(default_factory=list)


def open_on_day(
    deals: list[DealOnDay | Unknown | None], cutoff: datetime, rotting_days: int, first_position: int
) -> OpenOnDay:
    """Sum the open deals of a day per owner: count, value, weighted value,
    qualified (past the first stage) and rotting (no stage change for longer
    than `rotting_days` before the day's end)."""
    out = OpenOnDay()
    # in the calendar's first weeks nothing can have sat that long (and the limit would fall before year 1)
    floor = datetime.min.replace(tzinfo=UTC)
    limit = cutoff - timedelta(days=rotting_days) if cutoff - floor > timedelta(days=rotting_days) else floor
    for deal in deals:
        if deal is None:
            continue
        if isinstance(deal, Unknown):
            out.unknown.append(deal)
            continue
        rots = deal.entered_at < limit
        part = PipelineSums(
            open=1,
            open_value=deal.value,
            weighted=deal.value * deal.probability,
            qualified=1 if deal.stage.position > first_position else 0,
            rotting=1 if rots else 0,
            rotting_value=deal.value if rots else Decimal(0),
        )
        out.sums[deal.owner_id] = out.sums.get(deal.owner_id, PipelineSums()) + part
        if rots:
            out.rotting.append(deal)
    out.rotting.sort(key=lambda d: (d.entered_at, d.deal_id))
    return out
