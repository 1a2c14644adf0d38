"""A deterministic synthetic sales team of years of history, bulk-loaded.

`large` is the team of issue 7: 50 reps, 100,000 deals, 1,000,000 activities,
260 weekly sprints with their cards, targets, retro entries and votes. Rows
are made by seeded generators (the same size and seed give the same rows on
every machine and backend) and streamed in batches: SQLAlchemy Core
`insert()` with executemany on SQLite, psycopg `COPY ... FROM STDIN` on
PostgreSQL. The schema comes from the Alembic migrations, so the indexes are
exactly those a user has.

Stores are cached under bench/cache/ (SQLite file) and as PostgreSQL
databases named `salessprint_bench_<size>_g<version>_r<schema head>`: a new
generator version or a new migration makes a new store. A store is built
under a temporary name and renamed when complete, so a half-built store is
never reused.

    python -m benchmarks.generate --size large --backend sqlite,postgresql
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import time
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 2
"""Bump when the rows change: cached stores of another version are rebuilt."""

ANCHOR = datetime(2026, 11, 26, 10, 30, tzinfo=UTC)
"""'Now' for the generated history (a Thursday); the benchmark runs the app
with SALESSPRINT_NOW set to it so the active sprint is this week."""

TEAM_NAME = "Bench Sales"
BENCH_LOGIN = "maria"
"""The manager every measurement acts as: she sees the whole team."""

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / "bench" / "cache"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 20_000


@dataclass(frozen=True)
class Size:
    name: str
    reps: int
    deals: int
    activities: int
    sprints: int
    accounts: int
    items_per_rep: int
    notes: int
    changes: int
    active_items_per_rep: int = 0
    """Cards per rep in the active sprint (0: `items_per_rep`, as in closed sprints)."""
    backlog_tasks: int = 0
    """Open tasks in nobody's sprint: with the open deals, the backlog."""

    @property
    def active_cards(self) -> int:
        return self.reps * (self.active_items_per_rep or self.items_per_rep)


SIZES: dict[str, Size] = {
    "large": Size(
        "large",
        reps=50,
        deals=100_000,
        activities=1_000_000,
        sprints=260,
        accounts=8_000,
        items_per_rep=4,
        notes=5_000,
        changes=50_000,
        active_items_per_rep=200,  # a 10,000-card sprint
        backlog_tasks=91_000,  # with about 9,000 open deals: a backlog of 100,000 open items
    ),
    "small": Size(
        "small",
        reps=10,
        deals=5_000,
        activities=50_000,
        sprints=52,
        accounts=600,
        items_per_rep=4,
        notes=300,
        changes=2_000,
    ),
    "tiny": Size(
        "tiny", reps=4, deals=300, activities=2_000, sprints=8, accounts=40, items_per_rep=3, notes=20, changes=50
    ),
    "tiny-wide": Size(
        "tiny-wide",
        reps=4,
        deals=300,
        activities=2_000,
        sprints=8,
        accounts=40,
        items_per_rep=3,
        notes=20,
        changes=50,
        active_items_per_rep=10,
        backlog_tasks=200,
    ),
    # The scaling table (`--sizes 1k,10k,100k`): deals, backlog and the active sprint grow together.
    "1k": Size(
        "1k",
        reps=10,
        deals=1_000,
        activities=10_000,
        sprints=26,
        accounts=150,
        items_per_rep=4,
        notes=100,
        changes=500,
        active_items_per_rep=10,
        backlog_tasks=900,
    ),
    "10k": Size(
        "10k",
        reps=25,
        deals=10_000,
        activities=100_000,
        sprints=104,
        accounts=1_000,
        items_per_rep=4,
        notes=1_000,
        changes=5_000,
        active_items_per_rep=40,
        backlog_tasks=9_000,
    ),
}
SIZE_ALIASES = {"100k": "large"}
"""`--sizes` names: 100k is the large store."""

# Stage ids follow DEFAULT_STAGES: 1-5 open (Lead..Negotiation), 6 Won, 7 Lost.
OPEN_STAGES = (1, 2, 3, 4, 5)
WON, LOST = 6, 7
OPEN_WEIGHTS = (30, 25, 20, 15, 10)

FIRST = (
    "Alex",
    "Bea",
    "Chris",
    "Dana",
    "Eli",
    "Fran",
    "Gus",
    "Hana",
    "Ivo",
    "Jana",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Udo",
    "Vera",
    "Wim",
    "Xia",
    "Yann",
)
LAST = (
    "Berg",
    "Costa",
    "Dietz",
    "Engel",
    "Fischer",
    "Gomez",
    "Hahn",
    "Ito",
    "Jansen",
    "Kovac",
    "Lind",
    "Moreau",
    "Novak",
    "Olsen",
    "Petrov",
    "Quist",
    "Rossi",
    "Sato",
    "Torres",
    "Ulrich",
)
WORD_A = (
    "Blue",
    "North",
    "Bright",
    "Iron",
    "Silver",
    "Green",
    "Rapid",
    "Clear",
    "Prime",
    "Urban",
    "Alpine",
    "Coastal",
    "Golden",
    "Summit",
    "Delta",
    "Crystal",
    "Solar",
    "Harbor",
    "Maple",
    "Orbit",
)
WORD_B = (
    "River",
    "Peak",
    "Forge",
    "Field",
    "Bridge",
    "Stone",
    "Wave",
    "Point",
    "Gate",
    "Works",
    "Labs",
    "Foods",
    "Logistics",
    "Health",
    "Energy",
    "Media",
    "Motors",
    "Textiles",
    "Retail",
    "Systems",
)
SUFFIX = ("GmbH", "AG", "Ltd", "Inc", "BV", "SA", "Oy", "AB", "SRL", "KG")
SECTORS = ("Manufacturing", "Retail", "Health", "Energy", "Logistics", "Media", "Finance", "Public")
TERRITORIES = ("DACH", "Nordics", "Benelux", "UK", "France", "Iberia", "Italy", "CEE")
PRODUCTS = (
    "Analytics Suite",
    "Fleet Tracker",
    "Payroll Cloud",
    "Shop Connect",
    "Secure Mail",
    "Field Service",
    "Data Vault",
    "HR Portal",
)
DEAL_KINDS = ("New business", "Renewal", "Expansion", "Pilot", "Upsell")
NEXT_STEPS = (
    "Send proposal",
    "Book demo",
    "Call the CFO",
    "Pricing review",
    "Security questionnaire",
    "Legal redlines",
    "Follow up after trade fair",
)
LOST_REASONS = ("Price", "Chose a competitor", "No budget", "No decision", "Timing")
TASK_KINDS = ("call", "email", "meeting", "note", "demo", "proposal", "follow-up", "admin", "other")
TASK_VERB = {
    "call": "Call",
    "email": "Email",
    "meeting": "Meet",
    "note": "Notes on",
    "demo": "Demo for",
    "proposal": "Proposal for",
    "follow-up": "Follow up with",
    "admin": "Update CRM for",
    "other": "Prepare for",
}
ACTIVITY_KINDS = ("call", "email", "meeting", "note", "demo", "proposal")
ACTIVITY_WEIGHTS = (40, 35, 10, 8, 4, 3)
OUTCOMES = ("Reached", "Voicemail", "Interested", "Not now", "Sent", "Booked next meeting", None)
GOALS = (
    "Close the quarter strong",
    "Fill the pipeline",
    "Demos for every new lead",
    "Clean up stale deals",
    "Renewals first",
    "Two new logos each",
)
RETRO_TEXT = {
    "went_well": ("Demos landed well", "Quick proposal turnaround", "Good team handovers"),
    "to_improve": ("Too many stale deals", "CRM notes missing", "Late follow-ups"),
    "action": ("Review stale deals on Monday", "Template for proposals", "Pair on difficult calls"),
}
WEEKLY_TARGETS = (("calls", 60), ("emails", 50), ("meetings", 8), ("notes", 10), ("demos", 3), ("proposals", 2))


def deal_code(i: int) -> str:
    """A unique five-letter reference for deal i (a bijection on 26**5)."""
    n = (i * 1_000_003) % 26**5
    out = []
    for _ in range(5):
        n, r = divmod(n, 26)
        out.append(chr(97 + r))
    return "".join(out)


def _dt(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, dtime(hour, minute), tzinfo=UTC)


def batched(rows: Iterable[dict[str, Any]], n: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, n)):
        yield chunk


class Plan:
    """The rows of one synthetic team, table by table, in foreign-key order.

    Tables are generated lazily; later tables read small side arrays that
    earlier ones filled (deal owners, open deals), so consume them in order.
    """

    def __init__(self, size: Size, seed: int = 7) -> None:
        self.size = size
        self.seed = seed
        self.anchor_day = ANCHOR.date()
        monday = self.anchor_day - timedelta(days=self.anchor_day.weekday())
        self.active_start = monday
        self.first_start = monday - timedelta(weeks=size.sprints - 1)
        self.span_days = (self.anchor_day - self.first_start).days
        self.rep_ids = list(range(2, size.reps + 2))
        self.account_names = self._account_names()
        self.deal_owner = array("i", [0]) * (size.deals + 1)
        self.deal_stage = array("b", [0]) * (size.deals + 1)
        self.deal_closed = array("i", [0]) * (size.deals + 1)
        self.deals_of_rep: dict[int, list[int]] = {r: [] for r in self.rep_ids}
        self.open_deals_of_rep: dict[int, list[int]] = {r: [] for r in self.rep_ids}
        self.counts: dict[str, int] = {}

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.seed}-{self.size.name}-{table}")

    def _account_names(self) -> list[str]:
        rng = self.rng("account-names")
        return [
            f"{rng.choice(WORD_A)} {rng.choice(WORD_B)} {i:05d} {rng.choice(SUFFIX)}"
            for i in range(1, self.size.accounts + 1)
        ]

    def sprint_start(self, number: int) -> date:
        return self.first_start + timedelta(weeks=number - 1)

    def tables(self) -> list[tuple[str, Iterator[dict[str, Any]]]]:
        return [
            ("teams", self.teams()),
            ("stages", self.stages()),
            ("members", self.members()),
            ("targets", self.targets()),
            ("accounts", self.accounts()),
            ("deals", self.deals()),
            ("deal_collaborators", self.collaborators()),
            ("deal_events", self.deal_events()),
            ("sprints", self.sprints()),
            ("tasks", self.tasks()),
            ("sprint_items", self.sprint_items()),
            ("activities", self.activities()),
            ("retro_entries", self.retro_entries()),
            ("retro_votes", self.retro_votes()),
            ("notes", self.notes()),
            ("changes", self.changes()),
        ]

    # -- team ---------------------------------------------------------------
    def teams(self) -> Iterator[dict[str, Any]]:
        yield {
            "id": 1,
            "name": TEAM_NAME,
            "currency": "EUR",
            "timezone": "UTC",
            "week_start": 0,
            "sprint_weeks": 1,
            "rotting_days": 21,
            "wip_todo": None,
            "wip_doing": 6,
            "demo": False,
            "created_at": _dt(self.first_start - timedelta(days=30)),
            "version": 1,
        }

    def stages(self) -> Iterator[dict[str, Any]]:
        from salessprint.domain.enums import DEFAULT_STAGES

        for position, (name, probability, kind) in enumerate(DEFAULT_STAGES):
            yield {
                "id": position + 1,
                "team_id": 1,
                "name": name,
                "position": position,
                "probability": probability,
                "kind": kind.value,
            }

    def members(self) -> Iterator[dict[str, Any]]:
        start = self.first_start - timedelta(days=30)
        yield {
            "id": 1,
            "team_id": 1,
            "login": BENCH_LOGIN,
            "name": "Maria Manager",
            "role": "manager",
            "sales_role": None,
            "territory": None,
            "started_on": start,
            "active": True,
            "manager_id": None,
            "created_at": _dt(start),
            "version": 1,
        }
        rng = self.rng("members")
        for n, member_id in enumerate(self.rep_ids, start=1):
            # The newest reps joined during the history (first-90-days flags).
            started = start if n <= self.size.reps - 3 else self.anchor_day - timedelta(days=20 * n % 80 + 5)
            yield {
                "id": member_id,
                "team_id": 1,
                "login": f"rep{n:02d}",
                "name": f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}",
                "role": "rep",
                "sales_role": rng.choice(("AE", "AE", "SDR", "CSM")),
                "territory": rng.choice(TERRITORIES),
                "started_on": started,
                "active": True,
                "manager_id": 1,
                "created_at": _dt(started),
                "version": 1,
            }

    def targets(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("targets")
        tid = 0
        years = sorted({date(y, 1, 1) for y in range(self.first_start.year, self.anchor_day.year + 1)})
        years[0] = min(years[0], self.first_start)
        for member_id in self.rep_ids:
            for step, eff in enumerate(years):
                grow = 1 + 0.05 * step
                for metric, amount in WEEKLY_TARGETS:
                    tid += 1
                    yield {
                        "id": tid,
                        "member_id": member_id,
                        "metric": metric,
                        "period": "week",
                        "amount": Decimal(round(amount * grow)),
                        "effective_from": eff,
                    }
                tid += 1
                yield {
                    "id": tid,
                    "member_id": member_id,
                    "metric": "revenue",
                    "period": "month",
                    "amount": Decimal(rng.randrange(40, 90) * 1000),
                    "effective_from": eff,
                }
                tid += 1
                yield {
                    "id": tid,
                    "member_id": member_id,
                    "metric": "new_accounts",
                    "period": "quarter",
                    "amount": Decimal(3),
                    "effective_from": eff,
                }

    def accounts(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("accounts")
        for i, name in enumerate(self.account_names, start=1):
            created = self.first_start + timedelta(days=rng.randrange(0, max(1, self.span_days // 2)))
            yield {
                "id": i,
                "team_id": 1,
                "name": name,
                "territory": rng.choice(TERRITORIES),
                "sector": rng.choice(SECTORS),
                "owner_id": rng.choice(self.rep_ids),
                "external_id": None,
                "created_at": _dt(created),
            }

    # -- deals ----------------------------------------------------------------
    def deals(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("deals")
        size = self.size
        for i in range(1, size.deals + 1):
            started = self.first_start + timedelta(days=self.span_days * (i - 1) // size.deals)
            age = (self.anchor_day - started).days
            p_open = 0.9 if age < 60 else 0.5 if age < 180 else 0.03
            owner = rng.choice(self.rep_ids)
            account = rng.randrange(1, size.accounts + 1)
            product = rng.choice(PRODUCTS)
            cents = int(min(50_000_000, max(50_000, rng.lognormvariate(15.5, 1.0))))
            title = f"{rng.choice(DEAL_KINDS)} {product} – {self.account_names[account - 1]} (ref {deal_code(i)})"
            row: dict[str, Any] = {
                "id": i,
                "team_id": 1,
                "account_id": account,
                "title": title,
                "value": Decimal(cents).scaleb(-2),
                "probability": None,
                "owner_id": owner,
                "product": product,
                "started_on": started,
                "backlog_rank": float(i),
                "points": rng.choice((None, 1, 2, 3, 5, 8)),
                "source": "salessprint",
                "external_id": None,
                "created_at": _dt(started, 9, rng.randrange(60)),
                "version": 1 + rng.randrange(3),
            }
            if rng.random() < p_open:
                stage = rng.choices(OPEN_STAGES, OPEN_WEIGHTS)[0]
                entered = started + timedelta(days=rng.randrange(0, age + 1))
                row.update(
                    stage_id=stage,
                    stage_entered_at=_dt(entered, 11),
                    closed_on=None,
                    lost_reason=None,
                    expected_close=self.anchor_day + timedelta(days=rng.randrange(-10, 91)),
                    next_step=rng.choice(NEXT_STEPS),
                )
                self.open_deals_of_rep[owner].append(i)
            else:
                stage = WON if rng.random() < 0.32 else LOST
                closed = min(started + timedelta(days=rng.randrange(7, 121)), self.anchor_day - timedelta(days=1))
                closed = max(closed, started)
                row.update(
                    stage_id=stage,
                    stage_entered_at=_dt(closed, 16),
                    closed_on=closed,
                    lost_reason=rng.choice(LOST_REASONS) if stage == LOST else None,
                    expected_close=closed,
                    next_step=None,
                )
                self.deal_closed[i] = closed.toordinal()
            self.deal_owner[i] = owner
            self.deal_stage[i] = stage
            self.deals_of_rep[owner].append(i)
            yield row

    def collaborators(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("collaborators")
        for i in range(1, self.size.deals + 1):
            if rng.random() < 0.1:
                other = rng.choice(self.rep_ids)
                if other != self.deal_owner[i]:
                    yield {"deal_id": i, "member_id": other}

    def deal_events(self) -> Iterator[dict[str, Any]]:
        from salessprint.domain.enums import DEFAULT_STAGES

        names = [name for name, _p, _k in DEFAULT_STAGES]
        rng = self.rng("deal_events")
        eid = 0
        for i in range(1, self.size.deals + 1):
            stage = self.deal_stage[i]
            if stage == 1:
                continue
            eid += 1
            if self.deal_closed[i]:
                at = _dt(date.fromordinal(self.deal_closed[i]), 16)
                old = names[rng.choice(OPEN_STAGES) - 1]
            else:
                started = self.first_start + timedelta(days=self.span_days * (i - 1) // self.size.deals)
                at = _dt(started + timedelta(days=(self.anchor_day - started).days // 2), 11)
                old = "Lead"
            yield {
                "id": eid,
                "deal_id": i,
                "member_id": self.deal_owner[i],
                "at": at,
                "kind": "stage",
                "old": old,
                "new": names[stage - 1],
            }

    # -- sprints and their cards ---------------------------------------------
    def sprints(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("sprints")
        last = self.size.sprints
        for n in range(1, last + 1):
            starts = self.sprint_start(n)
            ends = starts + timedelta(days=6)
            active = n == last
            yield {
                "id": n,
                "team_id": 1,
                "number": n,
                "goal": rng.choice(GOALS),
                "starts_on": starts,
                "ends_on": ends,
                "state": "active" if active else "closed",
                "started_at": _dt(starts, 8),
                "closed_at": None if active else _dt(ends, 17),
                "version": 3 if not active else 2,
            }

    def _card_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Tasks and sprint items together (an item needs its task's id)."""
        rng = self.rng("cards")
        last = self.size.sprints
        task_id = item_id = 0
        for n in range(1, last + 1):
            starts = self.sprint_start(n)
            ends = starts + timedelta(days=6)
            active = n == last
            weeks_ago = last - n
            deal_horizon = max(1, self.size.deals * (n - 1) // last)
            per_rep = (self.size.active_items_per_rep or self.size.items_per_rep) if active else self.size.items_per_rep
            for rep in self.rep_ids:
                for slot in range(per_rep):
                    points = rng.choice((1, 1, 2, 2, 3, 5))
                    added_late = rng.random() < 0.1
                    added_at = _dt(starts + timedelta(days=2 if added_late else 0), 8 if not added_late else 13)
                    removed = not active and rng.random() < 0.02
                    item: dict[str, Any] = {
                        "sprint_id": n,
                        "member_id": rep,
                        "points": points,
                        "added_after_start": added_late,
                        "added_at": added_at,
                        "removed_at": _dt(starts + timedelta(days=3), 12) if removed else None,
                        "version": 1 + rng.randrange(3),
                    }
                    deal_slot = slot == per_rep - 1
                    if deal_slot:
                        pool = self.open_deals_of_rep[rep] if active else self.deals_of_rep[rep]
                        limit = len(pool) if active else bisect_right(pool, deal_horizon)
                        if limit == 0:
                            deal_slot = False
                    if active:
                        status = rng.choices(("todo", "doing", "done"), (4, 3, 3))[0]
                        done_day = min(self.anchor_day, starts + timedelta(days=rng.randrange(0, 4)))
                    else:
                        status = "done" if rng.random() < 0.85 else "todo"
                        done_day = starts + timedelta(days=rng.randrange(0, 5))
                    if deal_slot:
                        deal_id = pool[rng.randrange(limit)]
                        item.update(
                            task_id=None,
                            deal_id=deal_id,
                            item_type="deal",
                            item_ref=deal_id,
                            status=status,
                            done_on=done_day if status == "done" else None,
                        )
                    else:
                        task_id += 1
                        kind = rng.choice(TASK_KINDS)
                        account = self.account_names[rng.randrange(self.size.accounts)]
                        task_status, done_at = status, _dt(done_day, 15) if status == "done" else None
                        if not active and status != "done" and weeks_ago > 8:
                            task_status, done_at = "done", _dt(ends + timedelta(days=3), 15)
                        yield (
                            "tasks",
                            {
                                "id": task_id,
                                "team_id": 1,
                                "title": f"{TASK_VERB[kind]} {account}",
                                "kind": kind,
                                "deal_id": rng.randrange(1, deal_horizon + 1) if rng.random() < 0.5 else None,
                                "assignee_id": rep,
                                "points": points,
                                "status": task_status,
                                "due_on": ends,
                                "backlog_rank": float(task_id),
                                "done_at": done_at,
                                "created_at": _dt(starts - timedelta(days=rng.randrange(0, 14)), 10),
                                "version": 1 + rng.randrange(3),
                            },
                        )
                        item.update(
                            task_id=task_id,
                            deal_id=None,
                            item_type="task",
                            item_ref=task_id,
                            status=status,
                            done_on=done_day if status == "done" else None,
                        )
                    if active:
                        item["outcome"] = None
                    elif removed:
                        item["outcome"] = "removed"
                    else:
                        item["outcome"] = "done" if item["status"] == "done" else "carried_over"
                    item_id += 1
                    item["id"] = item_id
                    yield "sprint_items", item

    def tasks(self) -> Iterator[dict[str, Any]]:
        self._pending_items: list[dict[str, Any]] = []
        last_id = 0
        for table, row in self._card_rows():
            if table == "tasks":
                last_id = row["id"]
                yield row
            else:
                self._pending_items.append(row)
        yield from self._backlog_tasks(last_id)

    def _backlog_tasks(self, after_id: int) -> Iterator[dict[str, Any]]:
        """Open tasks in no sprint yet (the backlog beside the open deals)."""
        rng = self.rng("backlog")
        for i in range(1, self.size.backlog_tasks + 1):
            kind = rng.choice(TASK_KINDS)
            due = self.anchor_day + timedelta(days=rng.randrange(0, 60))
            yield {
                "id": after_id + i,
                "team_id": 1,
                "title": f"{TASK_VERB[kind]} {self.account_names[rng.randrange(self.size.accounts)]}",
                "kind": kind,
                "deal_id": rng.randrange(1, self.size.deals + 1) if rng.random() < 0.5 else None,
                "assignee_id": rng.choice(self.rep_ids),
                "points": rng.choice((1, 1, 2, 3, 5)),
                "status": "todo",
                "due_on": due,
                "backlog_rank": float(after_id + i),
                "done_at": None,
                "created_at": _dt(self.anchor_day - timedelta(days=rng.randrange(0, 30)), 10),
                "version": 1,
            }

    def sprint_items(self) -> Iterator[dict[str, Any]]:
        items, self._pending_items = self._pending_items, []
        yield from items

    # -- activities and the rest ----------------------------------------------
    def activities(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("activities")
        n = self.size.activities
        start = _dt(self.first_start, 0)
        span = (ANCHOR - start).total_seconds() - 3600
        kinds = rng.choices(ACTIVITY_KINDS, ACTIVITY_WEIGHTS, k=1000)
        for i in range(1, n + 1):
            frac = (i - 1) / n
            at = start + timedelta(seconds=span * frac + rng.random() * 3600)
            horizon = max(1, math.ceil(self.size.deals * frac))
            at_s = at.replace(microsecond=0)
            note = None
            if rng.random() < 0.03:
                note = "Discussed rollout timeline and budget owner; send the case study."
            yield {
                "id": i,
                "team_id": 1,
                "member_id": rng.choice(self.rep_ids),
                "kind": kinds[i % 1000],
                "occurred_at": at_s,
                "deal_id": rng.randrange(1, horizon + 1) if rng.random() < 0.5 else None,
                "task_id": None,
                "outcome": rng.choice(OUTCOMES),
                "note": note,
                "created_at": at_s,
            }

    def retro_entries(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("retro")
        eid = 0
        for n in range(1, self.size.sprints):
            ends = self.sprint_start(n) + timedelta(days=4)
            for column, texts in RETRO_TEXT.items():
                for _ in range(2):
                    eid += 1
                    yield {
                        "id": eid,
                        "sprint_id": n,
                        "author_id": rng.choice(self.rep_ids),
                        "column": column,
                        "text": rng.choice(texts),
                        "owner_id": rng.choice(self.rep_ids) if column == "action" else None,
                        "task_id": None,
                        "created_at": _dt(ends, 15),
                        "version": 1,
                    }
        self._retro_count = eid

    def retro_votes(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("votes")
        for eid in range(1, self._retro_count + 1):
            for voter in rng.sample(self.rep_ids, k=min(len(self.rep_ids), rng.randrange(0, 4))):
                yield {"entry_id": eid, "member_id": voter}

    def notes(self) -> Iterator[dict[str, Any]]:
        rng = self.rng("notes")
        for i in range(1, self.size.notes + 1):
            on_deal = rng.random() < 0.5
            yield {
                "id": i,
                "team_id": 1,
                "author_id": rng.choice(self.rep_ids),
                "account_id": None if on_deal else rng.randrange(1, self.size.accounts + 1),
                "deal_id": rng.randrange(1, self.size.deals + 1) if on_deal else None,
                "text": "Met the buyer at the trade fair; competitor discount rumoured.",
                "created_at": _dt(self.first_start + timedelta(days=self.span_days * i // (self.size.notes + 1))),
            }

    def changes(self) -> Iterator[dict[str, Any]]:
        """The audit log's recent tail: stage moves of the last 90 days."""
        rng = self.rng("changes")
        n = self.size.changes
        start = ANCHOR - timedelta(days=90)
        for i in range(1, n + 1):
            deal = rng.randrange(1, self.size.deals + 1)
            yield {
                "id": i,
                "team_id": 1,
                "actor_id": self.deal_owner[deal] or 1,
                "at": start + timedelta(seconds=int(90 * 86400 * (i - 1) / n)),
                "entity": "deal",
                "entity_id": deal,
                "action": "update",
                "before": {"stage_id": 1},
                "after": {"stage_id": 2},
                "undone": False,
            }


# -- writing -------------------------------------------------------------------
def _complete(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    """Fill columns another helper may have added: nullable -> NULL, scalar default."""
    missing = [c for c in table.c if c.key not in row]
    for col in missing:
        if col.default is not None and getattr(col.default, "is_scalar", False):
            row[col.key] = col.default.arg
        elif col.nullable:
            row[col.key] = None
        else:
            raise RuntimeError(f"generator has no value for {table.name}.{col.key}: bump benchmarks.generate")
    return row


def _load_sqlite(url: str, plan: Plan, log: Any) -> dict[str, float]:
    from sqlalchemy import create_engine, insert

    from salessprint.store.models import Base

    engine = create_engine(url)
    seconds: dict[str, float] = {}
    with engine.connect() as conn:
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"):
            conn.exec_driver_sql(f"PRAGMA {pragma}")
        conn.commit()
        for name, rows in plan.tables():
            t0 = time.perf_counter()
            table = Base.metadata.tables[name]
            count = 0
            for chunk in batched(rows):
                conn.execute(insert(table), [_complete(table, r) for r in chunk])
                count += len(chunk)
            conn.commit()
            plan.counts[name] = count
            seconds[name] = round(time.perf_counter() - t0, 2)
            log(f"  sqlite {name}: {count:,} rows in {seconds[name]:.1f}s")
    engine.dispose()
    return seconds


def _load_postgres(url: str, plan: Plan, log: Any) -> dict[str, float]:
    from sqlalchemy import JSON, create_engine

    from salessprint.store.models import Base

    engine = create_engine(url)
    seconds: dict[str, float] = {}
    raw = engine.raw_connection()
    try:
        pg = raw.driver_connection
        assert pg is not None
        for name, rows in plan.tables():
            t0 = time.perf_counter()
            table = Base.metadata.tables[name]
            cols = [c.key for c in table.c]
            json_cols = {i for i, c in enumerate(table.c) if isinstance(c.type, JSON)}
            count = 0
            with pg.cursor() as cur:
                column_list = ", ".join(f'"{c}"' for c in cols)
                with cur.copy(f"COPY {name} ({column_list}) FROM STDIN") as copy:
                    for row in rows:
                        _complete(table, row)
                        values = [row[c] for c in cols]
                        for i in json_cols:
                            if values[i] is not None:
                                values[i] = json.dumps(values[i])
                        copy.write_row(values)
                        count += 1
                if "id" in table.c and count:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
            pg.commit()
            plan.counts[name] = count
            seconds[name] = round(time.perf_counter() - t0, 2)
            log(f"  postgresql {name}: {count:,} rows in {seconds[name]:.1f}s")
    finally:
        raw.close()
        engine.dispose()
    return seconds


# -- the cache -----------------------------------------------------------------
def schema_head() -> str:
    from alembic.script import ScriptDirectory

    from salessprint.store.db import Store

    cfg = Store("sqlite://").alembic_config()
    head = ScriptDirectory.from_config(cfg).get_current_head()
    return re.sub(r"[^a-z0-9]", "", (head or "none").lower())[:12]


def store_key(size: str) -> str:
    return f"{size}_g{GENERATOR_VERSION}_r{schema_head()}"


@dataclass
class Generated:
    backend: str
    size: str
    url: str
    cached: bool
    seconds: float
    table_seconds: dict[str, float]
    counts: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _meta_path(name: str) -> Path:
    return CACHE_DIR / f"{name}.json"


def _read_meta(name: str) -> dict[str, Any] | None:
    path = _meta_path(name)
    if not path.exists():
        return None
    try:
        meta: dict[str, Any] = json.loads(path.read_text())
        return meta
    except ValueError:
        return None


def ensure_sqlite(
    size: str = "large", *, rebuild: bool = False, seed: int = 7, cache_dir: Path | None = None, log: Any = print
) -> Generated:
    """The cached SQLite store of this size, built first if needed."""
    folder = cache_dir or CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"sqlite_{store_key(size)}"
    path = folder / f"{name}.db"
    meta_path = folder / f"{name}.json"
    url = f"sqlite:///{path}"
    if not rebuild and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        return Generated("sqlite", size, url, True, meta["seconds"], meta["table_seconds"], meta["counts"])
    tmp = folder / f"{name}.building.db"
    for p in (tmp, path, meta_path):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    _upgrade(f"sqlite:///{tmp}")
    plan = Plan(SIZES[size], seed)
    table_seconds = _load_sqlite(f"sqlite:///{tmp}", plan, log)
    seconds = round(time.perf_counter() - t0, 1)
    tmp.rename(path)
    gen = Generated("sqlite", size, url, False, seconds, table_seconds, dict(plan.counts))
    meta_path.write_text(json.dumps({"seconds": seconds, "table_seconds": table_seconds, "counts": plan.counts}))
    return gen


def pg_available(admin_url: str = PG_ADMIN) -> bool:
    import psycopg

    try:
        with psycopg.connect(_conninfo(admin_url), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _conninfo(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    parts = [
        f"host={u.host or '127.0.0.1'}",
        f"port={u.port or 5432}",
        f"user={u.username or 'postgres'}",
        f"dbname={u.database or 'postgres'}",
    ]
    if u.password:
        parts.append(f"password={u.password}")
    return " ".join(parts)


def _pg_admin(admin_url: str, sql: str) -> list[Any]:
    import psycopg

    with psycopg.connect(_conninfo(admin_url), autocommit=True) as conn:
        cur = conn.execute(sql)
        rows = cur.fetchall() if cur.description else []
        if sql.startswith('DROP DATABASE IF EXISTS "'):
            from salessprint.store.roles import drop_lines

            for line in drop_lines(sql.split('"')[1]):  # the store's group roles go with it
                conn.execute(line)
        return rows


def ensure_postgres(
    size: str = "large",
    *,
    rebuild: bool = False,
    seed: int = 7,
    admin_url: str = PG_ADMIN,
    name: str | None = None,
    log: Any = print,
) -> Generated:
    """The cached PostgreSQL store of this size, built first if needed."""
    from sqlalchemy.engine import make_url

    name = name or f"salessprint_bench_{store_key(size)}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    exists = bool(_pg_admin(admin_url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    meta = _read_meta(name)
    if not rebuild and exists and meta is not None:
        return Generated("postgresql", size, url, True, meta["seconds"], meta["table_seconds"], meta["counts"])
    tmp = f"{name}_building"
    for db in (tmp, name):
        _pg_admin(admin_url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    _meta_path(name).unlink(missing_ok=True)
    _pg_admin(admin_url, f'CREATE DATABASE "{tmp}"')
    tmp_url = make_url(admin_url).set(database=tmp).render_as_string(hide_password=False)
    t0 = time.perf_counter()
    _upgrade(tmp_url)
    plan = Plan(SIZES[size], seed)
    table_seconds = _load_postgres(tmp_url, plan, log)
    import psycopg

    with psycopg.connect(_conninfo(tmp_url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    seconds = round(time.perf_counter() - t0, 1)
    _pg_admin(admin_url, f'ALTER DATABASE "{tmp}" RENAME TO "{name}"')
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    _meta_path(name).write_text(json.dumps({"seconds": seconds, "table_seconds": table_seconds, "counts": plan.counts}))
    return Generated("postgresql", size, url, False, seconds, table_seconds, dict(plan.counts))


def build_store(url: str, size: Size, seed: int = 7, log: Any = lambda _m: None) -> Plan:
    """Create the schema in an empty database at `url` and load a team of `size` (no cache)."""
    _upgrade(url)
    plan = Plan(size, seed)
    if url.startswith("sqlite"):
        _load_sqlite(url, plan, log)
    else:
        _load_postgres(url, plan, log)
        import psycopg

        with psycopg.connect(_conninfo(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return plan


def _upgrade(url: str) -> None:
    from salessprint.store.db import Store

    store = Store(url)
    try:
        store.upgrade()
    finally:
        store.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="large")
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--rebuild", action="store_true", help="Ignore the cache and build again.")
    args = parser.parse_args(argv)
    for backend in args.backend.split(","):
        if backend == "sqlite":
            gen = ensure_sqlite(args.size, rebuild=args.rebuild)
        elif backend == "postgresql":
            if not pg_available():
                print("postgresql: not answering on 127.0.0.1:5432, skipped", file=sys.stderr)
                continue
            gen = ensure_postgres(args.size, rebuild=args.rebuild)
        else:
            parser.error(f"unknown backend {backend}")
        state = "cached" if gen.cached else "built"
        print(f"{backend} {args.size}: {state} in {gen.seconds}s -> {gen.url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
