"""The demo team: a deterministic, realistic quarter of a B2B sales team.

Built relative to today (freeze the clock with SALESSPRINT_NOW for identical
bytes): eight people, twelve closed weekly sprints and the active one, about
150 deals, daily activities, targets and retrospectives. Its history tells a
story a manager recognises: Alex is well above quota, Chris is under quota and
his velocity has fallen three sprints running, Eli started five weeks ago.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy import text as sql
from sqlalchemy.exc import SQLAlchemyError

from salessprint.domain import clock
from salessprint.domain.calendar import week_start_on_or_before, working_days
from salessprint.domain.enums import DEFAULT_STAGES, ItemOutcome, SprintState, TaskStatus
from salessprint.domain.errors import Conflict, StoreUnavailable
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import (
    Account,
    Activity,
    Deal,
    DealCollaborator,
    DealEvent,
    Member,
    RetroEntry,
    RetroVote,
    Sprint,
    SprintItem,
    Stage,
    Target,
    Task,
    Team,
)
from salessprint.store.replace import building, clear_schema, foreign_tables, kill_point

Progress = Callable[[int, int], None]
"""progress(done, total): steps of the build done so far."""
TZ = "Europe/Berlin"
CLOSED_SPRINTS = 12


@dataclass(frozen=True)
class Persona:
    login: str
    name: str
    sales_role: str | None
    territory: str
    skill: float  # 1.0 = steady; above wins more, below wins less
    trend: float  # change of completion rate per sprint over the last sprints
    started_days_ago: int
    capacity: int  # points per sprint


MANAGER = Persona("maria", "Maria Keller", None, "DACH", 1.0, 0.0, 900, 0)
REPS = (
    Persona("alex", "Alex Novak", "AE", "Berlin", 1.55, 0.0, 760, 13),
    Persona("bea", "Beatriz Santos", "AE", "Munich", 1.05, 0.0, 540, 12),
    Persona("chris", "Chris Okafor", "AE", "Hamburg", 0.55, -0.12, 610, 12),
    Persona("dana", "Dana Whitfield", "SDR", "Berlin", 1.0, 0.0, 420, 10),
    Persona("eli", "Eli Brandt", "SDR", "Cologne", 0.8, 0.05, 37, 8),
    Persona("fran", "Francesca Russo", "CSM", "Vienna", 1.1, 0.0, 880, 9),
    Persona("gus", "Gustavo Lima", "SDR", "Zurich", 0.95, 0.0, 300, 10),
)
ACCOUNTS = (
    "Acme Logistics",
    "Blautal Brauerei",
    "Cobalt Health",
    "Delta Freight",
    "Edelweiss Insurance",
    "Falkenberg Energie",
    "Greenline Foods",
    "Hafen Holding",
    "Ironbridge Steel",
    "Juniper Analytics",
    "Kranich Aviation",
    "Lindwurm Software",
    "Mosel Media",
    "Nordlicht Retail",
    "Orbis Pharma",
    "Pfeffer & Salz GmbH",
    "Quantum Textiles",
    "Rheinwerk Tools",
    "Sonnenhof Hotels",
    "Tessera Bank",
    "Uhrwerk Instruments",
    "Vela Shipping",
    "Wolkenkratzer Bau",
    "Xylo Robotics",
    "Yggdrasil Games",
    "Zeppelin Mobility",
    "Alpenglühen Tourism",
    "Bergkristall Water",
    "Carbonfree Labs",
    "Donau Chemicals",
    "Eisvogel Outdoor",
    "Fjord Seafood",
    "Glasbläser Optics",
    "Hopfen Craft Beer",
    "Isar Medical",
)
PRODUCTS = ("Platform licence", "Analytics add-on", "Onboarding package", "Premium support", "Fleet rollout", "Renewal")
NEXT_STEPS = (
    "Send revised proposal",
    "Book demo with IT",
    "Call procurement",
    "Chase signature",
    "Prepare ROI deck",
    "Intro to CFO",
    "Security questionnaire",
    "Pilot kickoff",
)
LOST_REASONS = ("Went with a competitor", "No budget this year", "Project cancelled", "Price", "No decision")
RETRO = {
    "went_well": (
        "Pipeline reviews were short and useful",
        "Demo script landed well",
        "Great teamwork on the Tessera deal",
        "Thank-you notes got two replies",
        "Fewer meetings, more calls",
    ),
    "to_improve": (
        "Too many deals without a next step",
        "Proposals took too long to approve",
        "CRM notes were sparse",
        "Friday calls rarely connect",
        "Handover from SDR to AE was slow",
    ),
    "action": (
        "Every open deal gets a dated next step",
        "Template for pricing approvals",
        "Block Tuesday mornings for calls",
        "Pair Eli with Dana for cold calls",
        "Weekly win-loss review of one deal",
    ),
}
TASK_KINDS = ("call", "email", "meeting", "proposal", "follow-up", "demo", "note")


@dataclass(frozen=True)
class DemoSummary:
    team: str
    manager_login: str
    members: int
    deals: int
    sprints: int
    activities: int


def _refuse_unless_demo(store: Store) -> None:
    """The demo replaces only an empty store or the demo itself. A store
    holding another team is refused, and so is one it cannot read (a
    damaged file, a server that answers with an error): it is never reset
    on a guess."""
    if store.file is not None and not store.file.exists():
        return
    foreign = foreign_tables(store)
    if foreign:
        raise Conflict(
            f"{store.file} holds tables that are not salessprint's ({', '.join(foreign)[:200]}); "
            "the demo will not overwrite it. Use --db with another file, e.g. --db demo.db."
        )
    if store.current_revision() is None:
        return
    try:
        with store.session() as session:
            teams = session.execute(sql("SELECT name, demo FROM teams ORDER BY id")).all()
    except (SQLAlchemyError, StoreUnavailable) as exc:
        reason = exc.message if isinstance(exc, StoreUnavailable) else str(getattr(exc, "orig", exc)).splitlines()[0]
        raise StoreUnavailable(
            f"Cannot read the teams of {store.display_url} ({reason[:200]}); the demo leaves it as it is. "
            "Use --db with another file, e.g. --db demo.db."
        ) from None
    for name, demo in teams:
        if not demo:
            raise Conflict(
                f"This store holds the team '{name}', which is not the demo; the demo will not overwrite it. "
                "Use --db with another file, e.g. --db demo.db."
            )


DEMO_STEPS = 7
"""What `progress` counts while the demo is built: team, targets and
accounts, sprints, deals, sprint work, activities, retrospectives."""


def build_demo(store: Store, seed: int = 7, progress: Progress | None = None) -> DemoSummary:
    """Build (or rebuild) the demo team, all or nothing (store/replace.py):
    an interrupted rebuild leaves the previous demo as it was."""
    _refuse_unless_demo(store)
    with building(store) as build:
        _refuse_unless_demo(build)  # PostgreSQL: again, under the schema lock
        clear_schema(build)
        build.upgrade()
        kill_point("build:schema")
        summary = _fill(build, seed, progress or _quiet)
    if progress:
        progress(DEMO_STEPS, DEMO_STEPS)
    return summary


def _quiet(_done: int, _total: int) -> None:
    return None


def _fill(store: Store, seed: int, progress: Progress) -> DemoSummary:
    progress(0, DEMO_STEPS)
    rng = random.Random(seed)
    today = clock.team_today(TZ)
    with unit_of_work(store, None, need_actor=False) as uow:
        s = uow.session
        team = Team(name="Northwind Field Sales", currency="EUR", timezone=TZ, demo=True, wip_doing=6, rotting_days=21)
        s.add(team)
        s.flush()
        stages = {}
        for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
            stage = Stage(team_id=team.id, name=name, position=position, probability=probability, kind=kind.value)
            s.add(stage)
            stages[name] = stage
        members: dict[str, Member] = {}
        for p in (MANAGER, *REPS):
            m = Member(
                team_id=team.id,
                login=p.login,
                name=p.name,
                role="manager" if p is MANAGER else "rep",
                sales_role=p.sales_role,
                territory=p.territory,
                started_on=today - timedelta(days=p.started_days_ago),
            )
            s.add(m)
            members[p.login] = m
        s.flush()
        for p in REPS:
            members[p.login].manager_id = members[MANAGER.login].id
        _targets(s, members, today)
        progress(1, DEMO_STEPS)
        accounts = []
        for i, name in enumerate(ACCOUNTS):
            acc = Account(
                team_id=team.id,
                name=name,
                territory=REPS[i % len(REPS)].territory,
                owner_id=members[REPS[i % len(REPS)].login].id,
                created_at=_at(today - timedelta(days=200 - i * 3), 9),
            )
            s.add(acc)
            accounts.append(acc)
        s.flush()
        this_week = week_start_on_or_before(today, team.week_start)
        sprints = []
        for n in range(CLOSED_SPRINTS + 1):
            start = this_week - timedelta(weeks=CLOSED_SPRINTS - n)
            active = n == CLOSED_SPRINTS
            sp = Sprint(
                team_id=team.id,
                number=n + 1,
                starts_on=start,
                ends_on=start + timedelta(days=6),
                goal=_goal(rng, n),
                state=SprintState.ACTIVE if active else SprintState.CLOSED,
                started_at=_at(start, 8),
                closed_at=None if active else _at(start + timedelta(days=4), 17),
            )
            s.add(sp)
            sprints.append(sp)
        s.flush()
        progress(2, DEMO_STEPS)
        deals = _deals(s, rng, team, stages, members, accounts, today)
        progress(3, DEMO_STEPS)
        kill_point("build:data")
        _sprint_work(s, rng, team, sprints, members, deals, today)
        progress(4, DEMO_STEPS)
        n_activities = _activities(s, rng, team, members, deals, today)
        progress(5, DEMO_STEPS)
        _retro(s, rng, sprints, members)
        progress(6, DEMO_STEPS)
        return DemoSummary(team.name, MANAGER.login, len(members), len(deals), len(sprints), n_activities)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(TZ)).astimezone(UTC)


def _goal(rng: random.Random, n: int) -> str:
    goals = (
        "Book 15 first meetings in the Berlin region",
        "Move five proposals to negotiation",
        "Close the Q4 renewals",
        "Every open deal has a next step",
        "Two new logos in healthcare",
        "Clean up stale deals older than 60 days",
        "Land the Tessera Bank pilot",
    )
    return goals[(n + rng.randrange(3)) % len(goals)]


def _targets(s: Any, members: dict[str, Member], today: date) -> None:
    since = today - timedelta(days=365)
    for p in REPS:
        mid = members[p.login].id
        rows = [("meetings", "week", 5), ("notes", "day", 10)]
        if p.sales_role == "SDR":
            rows += [("calls", "day", 25), ("emails", "day", 20), ("meetings", "week", 8)]
            rows.remove(("meetings", "week", 5))
        else:
            rows += [("calls", "day", 12), ("demos", "week", 3), ("proposals", "week", 2)]
            rows += [("revenue", "month", 60000 if p.sales_role == "AE" else 25000)]
            rows += [("revenue", "quarter", 180000 if p.sales_role == "AE" else 75000)]
        for metric, period, amount in rows:
            s.add(Target(member_id=mid, metric=metric, period=period, amount=Decimal(amount), effective_from=since))


def _deals(
    s: Any,
    rng: random.Random,
    team: Team,
    stages: dict[str, Stage],
    members: dict[str, Member],
    accounts: list[Account],
    today: date,
) -> list[Deal]:
    plan = [("Lead", 22), ("Qualified", 20), ("Meeting", 18), ("Proposal", 15), ("Negotiation", 12), ("Lost", 23)]
    closers = [p for p in REPS if p.sales_role in ("AE", "CSM")]
    openers = [p for p in REPS if p.sales_role == "SDR"]
    weights = [p.skill**2 for p in closers]
    deals: list[Deal] = []
    order = ["Lead", "Qualified", "Meeting", "Proposal", "Negotiation"]
    rank = 0.0
    for stage_name, count in plan:
        for _ in range(count):
            if stage_name in ("Lead", "Qualified") and rng.random() < 0.6:
                owner = rng.choice(openers)
            elif stage_name == "Won":
                owner = rng.choices(closers, weights=[w * w for w in weights])[0]
            elif stage_name == "Lost":
                owner = rng.choices(closers, weights=[1 / w for w in weights])[0]
            else:
                owner = rng.choices(closers, weights=weights)[0]
            acc = rng.choice(accounts)
            product = rng.choice(PRODUCTS)
            value = Decimal(rng.randrange(30, 900) * 100)
            if owner.login == "alex" and stage_name == "Won":
                value += Decimal(15000)
            started = today - timedelta(days=rng.randrange(20, 150))
            closed_on = None
            if stage_name in ("Won", "Lost"):
                # Chris's wins cluster early in the quarter; Alex keeps winning.
                span = (today - started).days
                lo = 5 if owner.login != "chris" else max(6, span // 2)
                closed_on = started + timedelta(days=rng.randrange(min(lo, span - 1), span))
                if closed_on > today:
                    closed_on = today
                entered = _at(closed_on, 15)
            else:
                days = rng.choice((2, 4, 6, 9, 12, 16, 25, 33, 47))
                if owner.login != "chris" and days > 21 and int(rank) % 4:
                    # Most of the team keeps deals moving; Chris's deals rot (no extra draw,
                    # so the rest of the demo stays the same).
                    days = 5 + int(rank) % 12
                entered = _at(today - timedelta(days=days), 10)
                if entered.date() < started:
                    entered = _at(started, 10)
            rank += 1
            deal = Deal(
                team_id=team.id,
                account_id=acc.id,
                title=f"{acc.name.split()[0]} {product}",
                value=value,
                stage_id=stages[stage_name].id,
                expected_close=(today + timedelta(days=rng.randrange(3, 70))) if closed_on is None else closed_on,
                owner_id=members[owner.login].id,
                next_step=rng.choice(NEXT_STEPS) if closed_on is None else None,
                product=product,
                started_on=started,
                stage_entered_at=entered,
                closed_on=closed_on,
                lost_reason=rng.choice(LOST_REASONS) if stage_name == "Lost" else None,
                backlog_rank=rank,
                points=rng.choice((1, 2, 3, 5)),
                created_at=_at(started, 9),
            )
            s.add(deal)
            deals.append(deal)
    rank = _won_deals(s, rng, team, stages, members, accounts, today, deals, rank)
    s.flush()
    for deal in deals:
        name = next(n for n, st in stages.items() if st.id == deal.stage_id)
        path = order[: order.index(name) + 1] if name in order else [*order[: rng.randrange(2, 6)], name]
        when = _at(deal.started_on, 9)
        step = max(1, (deal.stage_entered_at - when).days // max(1, len(path)))
        prev = None
        for i, stage_name in enumerate(path):
            at = deal.stage_entered_at if i == len(path) - 1 else when + timedelta(days=step * i)
            s.add(DealEvent(deal_id=deal.id, member_id=deal.owner_id, at=at, kind="stage", old=prev, new=stage_name))
            prev = stage_name
        if rng.random() < 0.2:
            others = [m for m in members.values() if m.id != deal.owner_id and m.role == "rep"]
            s.add(DealCollaborator(deal_id=deal.id, member_id=rng.choice(others).id))
        if deal.closed_on is None and rng.random() < 0.25:
            later = deal.expected_close
            assert later is not None
            s.add(
                DealEvent(
                    deal_id=deal.id,
                    member_id=deal.owner_id,
                    at=_at(today - timedelta(days=rng.randrange(1, 10)), 11),
                    kind="expected_close",
                    old=(later - timedelta(days=14)).isoformat(),
                    new=later.isoformat(),
                )
            )
    return deals


# Won deals per closer and month (0 = this month, 3 = three months ago), as
# (number of deals, share of the monthly quota won): Alex beats quota every
# month, Beatriz is close, Francesca steady, Chris falls off.
WON_PLAN: dict[str, tuple[tuple[int, float], ...]] = {
    "alex": ((5, 1.3), (3, 1.3), (4, 1.2), (3, 1.35)),
    "bea": ((2, 0.8), (3, 0.95), (3, 1.0), (2, 0.9)),
    "chris": ((0, 0.0), (1, 0.3), (2, 0.6), (3, 0.9)),
    "fran": ((2, 0.75), (3, 0.9), (2, 0.85), (2, 0.95)),
}


def _won_deals(
    s: Any,
    rng: random.Random,
    team: Team,
    stages: dict[str, Stage],
    members: dict[str, Member],
    accounts: list[Account],
    today: date,
    deals: list[Deal],
    rank: float,
) -> float:
    """Forty won deals whose values follow WON_PLAN, so attainment tells the story."""
    won = stages["Won"]
    for login, months in WON_PLAN.items():
        persona = next(p for p in REPS if p.login == login)
        quota = Decimal(60000 if persona.sales_role == "AE" else 25000)
        for back, (count, share) in enumerate(months):
            first = (today.replace(day=1) - timedelta(days=1)).replace(day=1) if back else today.replace(day=1)
            for _ in range(back - 1):
                first = (first - timedelta(days=1)).replace(day=1)
            last = today if back == 0 else (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            total = (quota * Decimal(str(share))).quantize(Decimal(100))
            days = working_days(first, last)
            for i in range(count):
                value = (total / count).quantize(Decimal(100)) + Decimal(rng.randrange(-10, 11) * 100)
                closed_on = days[min(len(days) - 1, (i * len(days)) // count + rng.randrange(0, 3))]
                started = closed_on - timedelta(days=rng.randrange(25, 80))
                acc = rng.choice(accounts)
                product = rng.choice(PRODUCTS)
                rank += 1
                deal = Deal(
                    team_id=team.id,
                    account_id=acc.id,
                    title=f"{acc.name.split()[0]} {product}",
                    value=value,
                    stage_id=won.id,
                    expected_close=closed_on,
                    owner_id=members[login].id,
                    product=product,
                    started_on=started,
                    stage_entered_at=_at(closed_on, 15),
                    closed_on=closed_on,
                    backlog_rank=rank,
                    points=rng.choice((1, 2, 3, 5)),
                    created_at=_at(started, 9),
                )
                s.add(deal)
                deals.append(deal)
    return rank


def _completion(p: Persona, n: int) -> float:
    """Share of committed points a persona finishes in closed sprint n (0-based)."""
    base = min(0.95, 0.62 + 0.2 * p.skill)
    if p.trend < 0 and n >= CLOSED_SPRINTS - 4:
        base += p.trend * (n - (CLOSED_SPRINTS - 5))
    if p.trend > 0:
        base += p.trend * max(0, n - 8)
    return max(0.2, min(0.98, base))


def _sprint_work(
    s: Any,
    rng: random.Random,
    team: Team,
    sprints: list[Sprint],
    members: dict[str, Member],
    deals: list[Deal],
    today: date,
) -> None:
    open_deals = {m.id: [d for d in deals if d.owner_id == m.id and d.closed_on is None] for m in members.values()}
    rank = 1000.0
    for n, sp in enumerate(sprints):
        active = sp.state == SprintState.ACTIVE
        for p in REPS:
            m = members[p.login]
            if p.started_days_ago < (today - sp.starts_on).days:
                continue  # not yet on the team
            falling = p.trend < 0 and CLOSED_SPRINTS - 4 <= n < CLOSED_SPRINTS
            capacity = p.capacity + (0 if falling else rng.randrange(-2, 3))
            committed = 0
            items: list[tuple[Task, bool]] = []
            while committed < capacity:
                kind = rng.choice(TASK_KINDS)
                deal = rng.choice(open_deals[m.id]) if open_deals[m.id] and rng.random() < 0.7 else None
                points = 1 if falling else rng.choice((1, 1, 2, 2, 3, 5))
                title = f"{kind.capitalize()}: {deal.title if deal else rng.choice(ACCOUNTS)}"
                rank += 1
                task = Task(
                    team_id=team.id,
                    title=title,
                    kind=kind,
                    deal_id=deal.id if deal else None,
                    assignee_id=m.id,
                    points=points,
                    status=TaskStatus.TODO,
                    due_on=sp.starts_on + timedelta(days=rng.randrange(0, 5)),
                    backlog_rank=rank,
                    created_at=_at(sp.starts_on - timedelta(days=3), 10),
                )
                s.add(task)
                items.append((task, False))
                committed += points
            for _ in range(rng.choice((0, 0, 1, 1, 2))):
                rank += 1
                task = Task(
                    team_id=team.id,
                    title=f"Follow-up: {rng.choice(ACCOUNTS)} inbound",
                    kind="follow-up",
                    assignee_id=m.id,
                    points=rng.choice((1, 2)),
                    status=TaskStatus.TODO,
                    backlog_rank=rank,
                    created_at=_at(sp.starts_on + timedelta(days=1), 11),
                )
                s.add(task)
                items.append((task, True))
            s.flush()
            rate = _completion(p, n) if not active else 0.0
            days = working_days(sp.starts_on, sp.ends_on)
            # A falling rep finishes exactly rate x capacity: a clean downward line.
            quota_left = round(rate * capacity) if falling else None
            for task, added in items:
                removed = (not active) and not falling and rng.random() < 0.04
                if active:
                    elapsed = [d for d in days if d <= today]
                    r = rng.random()
                    status = "done" if r < 0.45 * len(elapsed) / 5 + 0.1 else ("doing" if r < 0.7 else "todo")
                    done_day = rng.choice(elapsed) if status == "done" and elapsed else None
                elif quota_left is not None:
                    status = "done" if quota_left > 0 and not added else rng.choice(("todo", "doing"))
                    quota_left -= (task.points or 1) if status == "done" else 0
                    done_day = rng.choice(days) if status == "done" else None
                else:
                    status = "done" if rng.random() < rate else rng.choice(("todo", "doing"))
                    done_day = rng.choice(days) if status == "done" else None
                task.status = TaskStatus(status)
                if done_day is not None:
                    task.done_at = _at(done_day, rng.randrange(9, 17))
                item = SprintItem(
                    sprint_id=sp.id,
                    task_id=task.id,
                    member_id=m.id,
                    points=task.points or 1,
                    status=status,
                    added_after_start=added,
                    added_at=_at(sp.starts_on + timedelta(days=1 if added else -1), 9),
                    done_on=done_day,
                    removed_at=_at(sp.starts_on + timedelta(days=2), 12) if removed else None,
                )
                if not active:
                    item.outcome = (
                        ItemOutcome.REMOVED
                        if removed
                        else ItemOutcome.DONE
                        if status == "done"
                        else ItemOutcome.CARRIED_OVER
                    )
                s.add(item)
            if active and open_deals[m.id]:
                for deal in rng.sample(open_deals[m.id], k=min(2, len(open_deals[m.id]))):
                    s.add(
                        SprintItem(
                            sprint_id=sp.id,
                            deal_id=deal.id,
                            member_id=m.id,
                            points=deal.points or 3,
                            status=rng.choice(("todo", "doing")),
                            added_at=_at(sp.starts_on - timedelta(days=1), 9),
                        )
                    )
    s.flush()


def _activities(
    s: Any, rng: random.Random, team: Team, members: dict[str, Member], deals: list[Deal], today: date
) -> int:
    start = today - timedelta(weeks=CLOSED_SPRINTS) - timedelta(days=today.weekday())
    now = clock.now()
    rows: list[dict[str, Any]] = []
    by_owner: dict[int, list[int]] = {}
    for d in deals:
        by_owner.setdefault(d.owner_id, []).append(d.id)
    for p in REPS:
        m = members[p.login]
        joined = today - timedelta(days=p.started_days_ago)
        sdr = p.sales_role == "SDR"
        daily = {
            "call": 24 if sdr else 11,
            "email": 19 if sdr else 8,
            "note": 9,
            "meeting": 1.4 if sdr else 1.1,
            "demo": 0.0 if sdr else 0.6,
            "proposal": 0.0 if sdr else 0.4,
        }
        for day in working_days(max(start, joined), today):
            weeks_ago = (today - day).days // 7
            factor = p.skill**0.3
            if p.trend < 0 and weeks_ago < 4:
                factor *= 0.7 + 0.07 * weeks_ago
            if p.started_days_ago < 60:
                factor *= 0.6 + 0.4 * min(1.0, (day - joined).days / 40)
            for kind, mean in daily.items():
                n = max(0, round(rng.gauss(mean * factor, max(0.5, mean * 0.2))))
                for _ in range(n):
                    at = _at(day, rng.randrange(8, 17), rng.randrange(60))
                    if at > now:
                        continue
                    deal_id = rng.choice(by_owner[m.id]) if by_owner.get(m.id) and rng.random() < 0.5 else None
                    rows.append(
                        {
                            "team_id": team.id,
                            "member_id": m.id,
                            "kind": kind,
                            "occurred_at": at,
                            "deal_id": deal_id,
                            "outcome": None,
                            "note": None,
                            "created_at": at,
                        }
                    )
    for chunk in range(0, len(rows), 5000):
        s.execute(insert(Activity), rows[chunk : chunk + 5000])
    return len(rows)


def _retro(s: Any, rng: random.Random, sprints: list[Sprint], members: dict[str, Member]) -> None:
    people = list(members.values())
    for sp in sprints[:-1]:  # this week's retro is held on Friday
        for column, texts in RETRO.items():
            for text in rng.sample(texts, k=rng.choice((1, 2))):
                author = rng.choice(people)
                entry = RetroEntry(
                    sprint_id=sp.id,
                    author_id=author.id,
                    column=column,
                    text=text,
                    owner_id=rng.choice(people).id if column == "action" else None,
                    created_at=_at(sp.ends_on - timedelta(days=2), 16),
                )
                s.add(entry)
                s.flush()
                for voter in rng.sample(people, k=rng.randrange(0, 5)):
                    s.add(RetroVote(entry_id=entry.id, member_id=voter.id))
    s.flush()


def demo_counts(store: Store) -> dict[str, int]:
    """Row counts of the main tables (used by tests and the summary)."""
    with store.session() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Member, Deal, Task, Sprint, SprintItem, Activity, RetroEntry, Target, Account)
        }
