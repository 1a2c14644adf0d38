"""Coaching flags and the texts built from them (1:1 agenda, daily report).

Pure rules over figures the services fetch; each flag has a stable code
(the JSON contract) and a sentence a manager can read out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from salessprint.domain.metrics import NEW_REP_DAYS
from salessprint.domain.text import counted, money_text, plain_number

FALLING_RUN = 3
"""Velocity down this many sprints running raises a flag."""


@dataclass(frozen=True, slots=True)
class RepFigures:
    """What the coaching rules look at for one rep."""

    login: str
    name: str
    started_on: date | None
    quota: Decimal | None
    won_value: Decimal
    quota_period: str
    activity_behind: Sequence[tuple[str, int, Decimal]] = ()
    """(kind, done, expected by now) for kinds behind pace this week."""
    velocities: Sequence[int] = ()
    """Completed points per closed sprint, oldest first."""
    rotting: Sequence[tuple[int, str, int]] = ()
    """(deal id, title, days in stage) of open deals past the team's limit (may be capped)."""
    rotting_count: int = 0
    """How many open deals are past the limit (when `rotting` lists only some)."""
    attainments: Sequence[tuple[str, Decimal | None]] = ()
    """(period label, attainment in % or None without a quota) of the last
    ended months, oldest first."""
    currency: str = ""
    """The team's currency, for the money in the flags' sentences."""


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    message: str


def velocity_falling(velocities: Sequence[int], run: int = FALLING_RUN) -> bool:
    """True when each of the last `run` sprints was below the one before."""
    if len(velocities) < run + 1:
        return False
    tail = list(velocities)[-(run + 1) :]
    return all(b < a for a, b in pairwise(tail))


def attainment_falling(attainments: Sequence[Decimal | None], run: int = FALLING_RUN) -> bool:
    """True when each of the last `run` periods' attainment was below the one
    before (`run` + 1 periods read, each with a quota): 150 %, 120 %, 95 %,
    80 % is falling three periods running; 150 %, 120 %, 95 % is two."""
    if len(attainments) < run + 1:
        return False
    tail = list(attainments)[-(run + 1) :]
    known = [a for a in tail if a is not None]
    return len(known) == len(tail) and all(b < a for a, b in pairwise(known))


def is_new_rep(started_on: date | None, today: date, days: int = NEW_REP_DAYS) -> bool:
    return started_on is not None and started_on > today - timedelta(days=days)


def flags_for(rep: RepFigures, today: date, rotting_days: int) -> list[Flag]:
    """The coaching flags of one rep, in a fixed order."""
    out: list[Flag] = []
    if rep.quota is not None and rep.quota > 0 and rep.won_value < rep.quota:
        out.append(
            Flag(
                "under_quota",
                f"Under quota for {rep.quota_period}: won {money_text(rep.won_value, rep.currency)}"
                f" of {money_text(rep.quota, rep.currency)}.",
            )
        )
    if rep.activity_behind:
        parts = ", ".join(
            f"{kind} {done} of {plain_number(expected)} expected by now" for kind, done, expected in rep.activity_behind
        )
        out.append(Flag("under_activity_target", f"Behind on activity targets this week: {parts}."))
    if velocity_falling(rep.velocities):
        tail = " → ".join(str(v) for v in list(rep.velocities)[-(FALLING_RUN + 1) :])
        out.append(Flag("velocity_falling", f"Velocity down {FALLING_RUN} sprints running ({tail} points)."))
    if attainment_falling([a for _p, a in rep.attainments]):
        months = list(rep.attainments)[-(FALLING_RUN + 1) :]
        path = " → ".join(f"{a} %" for _p, a in months)
        out.append(
            Flag(
                "attainment_falling",
                f"Quota attainment down {FALLING_RUN} months running ({months[0][0]} to {months[-1][0]}: {path}).",
            )
        )
    rotting = max(rep.rotting_count, len(rep.rotting))
    if rotting:
        out.append(
            Flag("rotting_deals", f"{counted(rotting, 'deal')} with no stage change for over {rotting_days} days.")
        )
    if is_new_rep(rep.started_on, today):
        assert rep.started_on is not None
        day = (today - rep.started_on).days + 1
        out.append(Flag("new_rep", f"New on the team: day {day} of the first {NEW_REP_DAYS}."))
    return out


@dataclass(frozen=True, slots=True)
class AgendaFacts:
    """Everything a 1:1 agenda mentions, fetched by the service."""

    name: str
    today: date
    flags: Sequence[Flag]
    wins: Sequence[tuple[str, Decimal]] = ()
    rotting: Sequence[tuple[int, str, int]] = ()
    velocities: Sequence[int] = ()
    attainment_line: str = ""
    activity_lines: Sequence[str] = field(default_factory=tuple)
    currency: str = ""


def one_on_one_agenda(f: AgendaFacts) -> str:
    """A plain-text 1:1 agenda, ready to paste."""
    lines = [f"1:1 with {f.name} — {f.today.isoformat()}", ""]
    lines.append("1. Check-in: how are things going this week?")
    n = 2
    if f.wins:
        lines.append(
            f"{n}. Celebrate: " + "; ".join(f"{title} ({money_text(value, f.currency)})" for title, value in f.wins)
        )
        n += 1
    if f.attainment_line:
        lines.append(f"{n}. Quota: {f.attainment_line}")
        n += 1
    for flag in f.flags:
        lines.append(f"{n}. {flag.message} {_QUESTION.get(flag.code, '')}".rstrip())
        n += 1
    if f.activity_lines:
        lines.append(f"{n}. Activity this week: " + "; ".join(f.activity_lines))
        n += 1
    if f.velocities:
        lines.append(f"{n}. Velocity, last sprints: " + ", ".join(str(v) for v in f.velocities) + " points")
        n += 1
    for deal_id, title, days in f.rotting[:5]:
        lines.append(f"   - #{deal_id} {title}: {days} days in stage — next step or close it?")
    lines.append(f"{n}. Agree on two actions for next week and who does what.")
    if not f.flags:
        lines.insert(2, "No coaching flags: keep it short and ask what would help most.")
    return "\n".join(lines) + "\n"


_QUESTION = {
    "under_quota": "Which deals can still close this period, and what blocks them?",
    "under_activity_target": "What got in the way, and which hours are blocked for prospecting?",
    "velocity_falling": "Is the sprint commitment too big, or is something else taking time?",
    "attainment_falling": "What changed in the pipeline three months ago, and what would turn it around?",
    "rotting_deals": "Go through them: a dated next step, or close as lost.",
    "new_rep": "What is still unclear, and who should you shadow this week?",
}


@dataclass(frozen=True, slots=True)
class DayFacts:
    """A rep's day, for the daily progress report."""

    name: str
    day: date
    activities: Sequence[tuple[str, int, int | None]]
    """(kind, done, daily target or None)."""
    tasks_done: Sequence[str] = ()
    deals_touched: Sequence[tuple[int, str, str]] = ()
    """(deal id, title, stage)."""


def daily_report(f: DayFacts) -> str:
    """Plain text for a new rep to paste into the team chat."""
    lines = [f"Daily update — {f.name}, {f.day.strftime('%A')} {f.day.isoformat()}", ""]
    done_any = any(done for _, done, _ in f.activities)
    lines.append(
        "Activities (done / goal):" if done_any or any(t for *_, t in f.activities) else "Activities: none logged."
    )
    for kind, done, target in f.activities:
        if not done and not target:
            continue
        mark = "" if target is None else (" ✓" if done >= target else f" ({target - done} to go)")
        goal = f" / {target}" if target is not None else ""
        lines.append(f"- {kind}: {done}{goal}{mark}")
    lines.append("")
    if f.tasks_done:
        lines.append("Done today:")
        lines.extend(f"- {t}" for t in f.tasks_done)
    else:
        lines.append("Done today: no tasks finished.")
    lines.append("")
    if f.deals_touched:
        lines.append("Deals touched:")
        lines.extend(f"- #{i} {title} ({stage})" for i, title, stage in f.deals_touched)
    else:
        lines.append("Deals touched: none.")
    return "\n".join(lines) + "\n"
