"""Writing a parsed import into the store: one transaction, bulk statements.

Deals are matched on (team, source, external id): a re-import updates the
rows that changed and leaves the rest alone, never duplicating. Members are
matched on their full name, accounts on their name, stages on their name
(won/lost deals whose stage name the team lacks go to its Won/Lost stage;
open stages the team lacks are added after its last open stage).
Every created or changed deal is written to the change log.

Rows go to the driver directly (PostgreSQL COPY, SQLite's executemany), each
value through its column's bind processor. On SQLite the deals' trigram
search index (migration 0011) is filled once, after the deals are in, by one
INSERT ... SELECT, instead of by its per-row insert trigger: the trigger is
dropped for the import's transaction and created again, from the very SQL
the store holds, before it commits (a failed import rolls both back).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Date, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from salessprint.domain import clock
from salessprint.domain.enums import StageKind
from salessprint.services.importing.common import DealRow, ErrorList, MemberRow, Parsed, Progress
from salessprint.store.codec import to_json
from salessprint.store.models import Account, Change, Deal, DealEvent, Member, Stage
from salessprint.store.replace import kill_point
from salessprint.store.search import SEARCHED
from salessprint.store.types import UTCDateTime

DEALS = Deal.metadata.tables[Deal.__tablename__]
COMPARED = (
    "title",
    "account_id",
    "value",
    "stage_id",
    "probability",
    "expected_close",
    "owner_id",
    "next_step",
    "product",
    "started_on",
    "closed_on",
    "lost_reason",
)


@dataclass
class Outcome:
    deals_created: int = 0
    deals_updated: int = 0
    deals_unchanged: int = 0
    members_created: list[str] = field(default_factory=list)
    accounts_created: int = 0
    stages_created: list[str] = field(default_factory=list)
    events_created: int = 0


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def login_for(name: str, taken: set[str]) -> str:
    """'Moses Frase' -> 'moses.frase' (ASCII, unique in the store)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")[:56] or "member"
    login, n = base, 1
    while login in taken:
        n += 1
        login = f"{base}{n}"
    taken.add(login)
    return login


_JSON_ALREADY = frozenset({str, int, float, bool, type(None)})
"""Exact types `to_json` returns unchanged (an enum, a subclass, goes through it)."""


def row_snapshot(row: dict[str, Any]) -> dict[str, Any]:
    """Column values as the change log keeps them (like codec.row_to_json)."""
    return {k: v if type(v) in _JSON_ALREADY else to_json(v) for k, v in row.items()}


def _stages(s: Session, team_id: int, parsed: Parsed, out: Outcome) -> tuple[dict[str, Stage], Stage, Stage]:
    stages = list(s.scalars(select(Stage).where(Stage.team_id == team_id).order_by(Stage.position)))
    by_name = {st.name.lower(): st for st in stages}
    won = next(st for st in stages if st.kind == StageKind.WON)
    lost = next(st for st in stages if st.kind == StageKind.LOST)
    wanted: dict[str, int] = {}
    for name, probability in parsed.open_stages:
        wanted.setdefault(name, probability)
    for name, probability in parsed.deals.open_stages.items():
        wanted.setdefault(name, probability)
    missing: list[tuple[str, int]] = []
    for name, probability in wanted.items():
        if name.lower() not in by_name and name.lower() not in {m.lower() for m, _p in missing}:
            missing.append((name, probability))
    if missing:
        last_open = max((st.position for st in stages if st.kind == StageKind.OPEN), default=-1)
        for st in stages:
            if st.position > last_open:
                st.position += len(missing)
        for i, (name, probability) in enumerate(missing):
            stage = Stage(
                team_id=team_id,
                name=name,
                position=last_open + 1 + i,
                probability=probability,
                kind=StageKind.OPEN,
            )
            s.add(stage)
            by_name[name.lower()] = stage
            out.stages_created.append(name)
        s.flush()
    return by_name, won, lost


def _members(s: Session, team_id: int, parsed: Parsed, out: Outcome) -> dict[str, int]:
    members = list(s.scalars(select(Member).where(Member.team_id == team_id)))
    by_name = {m.name.casefold(): m for m in members}
    taken = set(s.scalars(select(Member.login)))
    wanted: dict[str, MemberRow] = {}
    for row in parsed.members:
        wanted.setdefault(row.name.casefold(), row)
    for key, owner in parsed.deals.owners.items():
        wanted.setdefault(key, owner)
    now = clock.now()
    for key, row in wanted.items():
        member = by_name.get(key)
        if member is None:
            member = Member(
                team_id=team_id,
                login=login_for(row.name, taken),
                name=row.name,
                role=row.role,
                territory=row.territory,
                active=True,
                created_at=now,
            )
            s.add(member)
            by_name[key] = member
            out.members_created.append(member.login)
        elif member.territory is None and row.territory:
            member.territory = row.territory
    s.flush()
    for key, row in wanted.items():
        member = by_name[key]
        if row.manager and member.manager_id is None:
            boss = by_name.get(row.manager.casefold())
            if boss is not None and boss.id != member.id:
                member.manager_id = boss.id
    s.flush()
    return {k: m.id for k, m in by_name.items()}


def _accounts(s: Session, team_id: int, parsed: Parsed, out: Outcome) -> dict[str, int]:
    ids = {name: id_ for id_, name in s.execute(select(Account.id, Account.name).where(Account.team_id == team_id))}
    rows: dict[str, dict[str, Any]] = {}
    now = clock.now()
    for acc in parsed.accounts:
        if acc.name not in ids and acc.name not in rows:
            rows[acc.name] = {
                "team_id": team_id,
                "name": acc.name,
                "sector": acc.sector,
                "territory": acc.territory,
                "external_id": acc.external_id,
                "created_at": now,
            }
    for account in parsed.deals.accounts:
        if account not in ids and account not in rows:
            rows[account] = {
                "team_id": team_id,
                "name": account,
                "sector": None,
                "territory": None,
                "external_id": None,
                "created_at": now,
            }
    if rows:
        insert_rows(s, Account.__table__, list(rows.values()))
        ids = {name: id_ for id_, name in s.execute(select(Account.id, Account.name).where(Account.team_id == team_id))}
        out.accounts_created = len(rows)
    return ids


def _events(
    deal: DealRow, history: list[Any], entry_stage: str | None, entered: datetime
) -> list[tuple[datetime, str | None, str]]:
    """The stage changes a new deal brings: the file's history, else what
    its dates say."""
    if history:
        events: list[tuple[datetime, str | None, str]] = []
        prev: str | None = None
        for item in sorted(history, key=lambda h: (h.at, h.line)):
            if item.stage != prev:
                events.append((item.at, prev, item.stage))
                prev = item.stage
        if prev != deal.stage:
            events.append((max(entered, events[-1][0]), prev, deal.stage))
        return events
    if deal.outcome != "open" and entry_stage and deal.started_on:
        return [(midnight(deal.started_on), None, entry_stage), (entered, entry_stage, deal.stage)]
    return [(entered, None, deal.stage)]


def _closing_rule(deal: DealRow, stage: Stage, parsed: Parsed, errors: ErrorList) -> bool:
    """The store's invariant, whatever the reader: a deal in an open stage has
    no close date, a won or lost one has one. A row that would break it is a
    line error (readers already refuse most; this is the last word)."""
    where = parsed.files[0] if parsed.files else "file"
    if stage.kind == StageKind.OPEN and deal.closed_on is not None:
        errors.add(where, deal.line, "close date", f"an open ({stage.name}) deal cannot have a close date")
        return False
    if stage.kind != StageKind.OPEN and deal.outcome == "open":
        errors.add(
            where,
            deal.line,
            "stage",
            f"'{deal.stage}' is the team's {stage.kind} stage, but the deal is open; "
            "give it an open stage or mark it won or lost with its close date",
        )
        return False
    if stage.kind != StageKind.OPEN and deal.closed_on is None:
        errors.add(where, deal.line, "close date", f"a {stage.kind} deal needs its close date")
        return False
    return True


BATCH = 2000
"""Deals read, compared and written at a time: memory holds one batch."""


def apply(
    s: Session, team_id: int, actor_id: int, parsed: Parsed, progress: Progress | None, *, today: date
) -> Outcome:
    """Write the parsed file into the team; `today` is the team's calendar day.

    The deals stream from the file (a second walk: the readers' survey
    checked every row) in batches of BATCH: each batch is matched with the
    team's deals of the same ids, and its inserts, updates, stage changes and
    change-log rows are written before the next batch is read. A row that
    breaks the store's closing rule stops the writing; the rest is still
    checked, and the import then fails whole (the caller's transaction rolls
    back what was written)."""
    out = Outcome()
    total = parsed.deals.count
    if progress:
        progress(0, total)
    stages, won, lost = _stages(s, team_id, parsed, out)
    members = _members(s, team_id, parsed, out)
    accounts = _accounts(s, team_id, parsed, out)
    history: dict[str, list[Any]] = {}
    for item in parsed.history:
        history.setdefault(item.deal_external_id, []).append(item)
    writer = _Writer(
        s,
        team_id=team_id,
        actor_id=actor_id,
        parsed=parsed,
        history=history,
        stage_names={st.id: st.name for st in stages.values()},
        rank=float(s.scalar(select(func.max(DEALS.c.backlog_rank)).where(DEALS.c.team_id == team_id)) or 0),
        today=today,
        out=out,
        had_source=s.scalar(
            select(DEALS.c.id).where(DEALS.c.team_id == team_id, DEALS.c.source == parsed.source).limit(1)
        )
        is not None,
    )
    errors = ErrorList()
    batch: list[tuple[DealRow, Stage, dict[str, Any]]] = []
    done = 0
    with _search_indexed_after(s):
        for deal in parsed.deals:
            if deal.outcome == "won":
                stage = stages.get(deal.stage.lower())
                stage = stage if stage is not None and stage.kind == StageKind.WON else won
            elif deal.outcome == "lost":
                stage = stages.get(deal.stage.lower())
                stage = stage if stage is not None and stage.kind == StageKind.LOST else lost
            else:
                stage = stages[deal.stage.lower()]
            if not _closing_rule(deal, stage, parsed, errors):
                continue
            if errors.items:
                continue  # the import fails: check the rest, write nothing more
            assert deal.account is not None
            fields: dict[str, Any] = {
                "title": deal.title,
                "account_id": accounts[deal.account],
                "value": deal.value,
                "stage_id": stage.id,
                "probability": deal.probability,
                "expected_close": deal.expected_close or deal.closed_on,
                "owner_id": members[deal.owner.casefold()] if deal.owner else actor_id,
                "next_step": deal.next_step,
                "product": deal.product,
                "started_on": deal.started_on,
                "closed_on": deal.closed_on,
                "lost_reason": deal.lost_reason,
            }
            batch.append((deal, stage, fields))
            if len(batch) >= BATCH:
                writer.write(batch)
                done += len(batch)
                batch = []
                kill_point("build:data")
                if progress:
                    progress(done, total)
        errors.raise_if_any()
        if batch:
            writer.write(batch)
        if progress:
            progress(total, total)
    return out


@dataclass
class _Writer:
    """Writes one batch of deals: new ones inserted, changed ones updated,
    each with its stage changes and change-log rows."""

    s: Session
    team_id: int
    actor_id: int
    parsed: Parsed
    history: dict[str, list[Any]]
    stage_names: dict[int, str]
    rank: float
    today: date
    out: Outcome
    had_source: bool
    """The team held deals from this source before the import (else no batch
    needs to look for the deals it would update)."""

    def _existing(self, ids: list[str]) -> dict[str, Any]:
        if not self.had_source:
            return {}  # the file's ids are unique: nothing it inserts is met again
        cols = list(DEALS.c)
        found = self.s.execute(
            select(*cols).where(
                DEALS.c.team_id == self.team_id,
                DEALS.c.source == self.parsed.source,
                DEALS.c.external_id.in_(ids),
            )
        )
        return {row.external_id: row for row in found}

    def _last_events(self, deal_ids: list[int]) -> dict[int, datetime]:
        if not deal_ids or not self.parsed.history:
            return {}
        return dict(
            self.s.execute(
                select(DealEvent.deal_id, func.max(DealEvent.at))
                .where(DealEvent.deal_id.in_(deal_ids))
                .group_by(DealEvent.deal_id)
            ).all()
        )

    def write(self, batch: list[tuple[DealRow, Stage, dict[str, Any]]]) -> None:
        s, out, now = self.s, self.out, clock.now()
        existing = self._existing([deal.external_id for deal, _stage, _fields in batch])
        last_event = self._last_events([row.id for row in existing.values()])
        inserts: list[dict[str, Any]] = []
        new_events: list[list[tuple[datetime, str | None, str]]] = []
        updates: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for deal, stage, fields in batch:
            old = existing.get(deal.external_id)
            if old is None:
                if fields["started_on"] is None:
                    closed = deal.closed_on
                    fields["started_on"] = closed if closed and closed < self.today else self.today
                hist = self.history.get(deal.external_id, [])
                if deal.closed_on is not None:
                    entered = midnight(deal.closed_on)
                elif hist:
                    entered = max(h.at for h in hist)
                elif deal.started_on is not None:
                    entered = midnight(deal.started_on)
                else:
                    entered = now
                self.rank += 1.0
                inserts.append(
                    {
                        **fields,
                        "team_id": self.team_id,
                        "stage_entered_at": entered,
                        "backlog_rank": self.rank,
                        "points": None,
                        "source": self.parsed.source,
                        "external_id": deal.external_id,
                        "created_at": deal.created_at or now,
                        "version": 1,
                    }
                )
                new_events.append(_events(deal, hist, self.parsed.entry_stage, entered))
                continue
            if fields["started_on"] is None:
                fields["started_on"] = old.started_on
            before = {k: getattr(old, k) for k in COMPARED}
            if before == fields:
                out.deals_unchanged += 1
                continue
            entered_at = None
            if old.stage_id != fields["stage_id"]:
                entered_at = midnight(deal.closed_on) if deal.closed_on else now
                events.append(
                    {
                        "deal_id": old.id,
                        "member_id": self.actor_id,
                        "at": entered_at,
                        "kind": "stage",
                        "old": self.stage_names.get(old.stage_id),
                        "new": stage.name,
                    }
                )
            for item in sorted(self.history.get(deal.external_id, []), key=lambda h: h.at):
                if item.at > last_event.get(old.id, item.at) and item.stage != self.stage_names.get(old.stage_id):
                    events.append(
                        {
                            "deal_id": old.id,
                            "member_id": self.actor_id,
                            "at": item.at,
                            "kind": "stage",
                            "old": None,
                            "new": item.stage,
                        }
                    )
            updates.append({"b_id": old.id, "b_version": old.version + 1, **{f"b_{k}": v for k, v in fields.items()}})
            if entered_at is not None:
                updates[-1]["_entered"] = entered_at
            full = row_snapshot(old._asdict())
            after = {**full, **row_snapshot(fields), "version": old.version + 1}
            if entered_at is not None:
                after["stage_entered_at"] = entered_at.isoformat()
            changes.append(self._change(now, old.id, "update", full, after))
        if inserts:
            # No RETURNING: SQLite would then insert row by row. The ids are read
            # back by external id, which is unique per team and source.
            last_id = s.scalar(select(func.max(DEALS.c.id))) or 0
            insert_rows(s, DEALS, inserts)
            # Read back by id range, not by a list of 2,000 ids: PostgreSQL
            # plans such a list, on tables made in the same transaction and
            # never analysed, as a scan of the whole table per batch.
            id_of = dict(
                s.execute(
                    select(DEALS.c.external_id, DEALS.c.id).where(
                        DEALS.c.id > last_id, DEALS.c.team_id == self.team_id, DEALS.c.source == self.parsed.source
                    )
                ).all()
            )
            for row, evs in zip(inserts, new_events, strict=True):
                deal_id = id_of[row["external_id"]]
                for at, old_stage, new_stage in evs:
                    events.append(
                        {
                            "deal_id": deal_id,
                            "member_id": row["owner_id"],
                            "at": at,
                            "kind": "stage",
                            "old": old_stage,
                            "new": new_stage,
                        }
                    )
                changes.append(self._change(now, deal_id, "create", None, {"id": deal_id, **row_snapshot(row)}))
            out.deals_created += len(inserts)
        if updates:
            _bulk_update(s, [u for u in updates if "_entered" not in u], with_entered=False)
            _bulk_update(s, [u for u in updates if "_entered" in u], with_entered=True)
            out.deals_updated += len(updates)
        if events:
            insert_rows(s, DealEvent.__table__, events)
            out.events_created += len(events)
        if changes:
            insert_rows(s, Change.__table__, changes)

    def _change(
        self, now: datetime, deal_id: int, action: str, before: dict[str, Any] | None, after: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "actor_id": self.actor_id,
            "at": now,
            "entity": "deal",
            "entity_id": deal_id,
            "action": action,
            "undone": False,
            "before": before,
            "after": after,
        }


def insert_rows(s: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows in the session's transaction, through the driver when
    every row has the same columns: PostgreSQL COPY (an executemany through
    psycopg sends one statement per row: ~1.5 s for the 33,000 rows of the
    Maven file), SQLite's own executemany (SQLAlchemy's costs as much again in
    Python as SQLite spends writing). Values pass through the columns' bind
    processors (Money, UTCDateTime, JSON) exactly as an INSERT would."""
    if not rows:
        return
    names = list(rows[0])
    s.flush()  # ORM rows still pending go first: the driver's writes bypass the session
    conn = s.connection()
    dialect = conn.dialect
    columns = [table.c[name] for name in names]
    missing_defaults = [c for c in table.c if c.name not in rows[0] and c.default is not None]
    if dialect.name not in ("postgresql", "sqlite") or missing_defaults or any(len(r) != len(names) for r in rows):
        s.execute(insert(table), rows)
        return
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    converting = [
        (c.name, _remembered(proc) if proc is not None and isinstance(c.type, UTCDateTime | Date) else proc)
        for c, proc in zip(columns, processors, strict=True)
    ]

    def values(row: dict[str, Any]) -> list[Any]:
        return [row[name] if proc is None else proc(row[name]) for name, proc in converting]

    prepare = dialect.identifier_preparer
    quoted = ", ".join(prepare.quote(n) for n in names)
    target = prepare.format_table(table)
    driver = conn.connection.driver_connection
    assert driver is not None  # a live connection always has its driver's
    cursor = driver.cursor()
    try:
        if dialect.name == "sqlite":
            cursor.executemany(
                f"INSERT INTO {target} ({quoted}) VALUES ({', '.join('?' * len(names))})", map(values, rows)
            )
            return
        with cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(values(row))
    finally:
        cursor.close()


def _remembered(proc: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A time column's bind processor, run once per distinct value: an import's
    times repeat (every change row's `now`, events at the same midnights).
    Equal times give equal stored values (UTCDateTime stores the UTC instant)."""
    seen: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            out = seen[value] = proc(value)
            return out

    return process


@contextmanager
def _search_indexed_after(s: Session) -> Iterator[None]:
    """On SQLite: the deals inserted inside the block go into the trigram
    search index in one statement at its end, instead of one trigger run per
    row (~60 µs each: half the cost of writing the Maven file's deals). The
    insert trigger is dropped meanwhile and created again from the SQL the
    store held; all of it in the import's transaction."""
    conn = s.connection()
    search = SEARCHED["deals"]
    trigger = f"{search}_insert"
    sql = None
    if conn.dialect.name == "sqlite":
        sql = s.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"), {"n": trigger})
    if sql is None:
        yield
        return
    last_id = s.scalar(select(func.max(DEALS.c.id))) or 0
    s.execute(text(f"DROP TRIGGER {trigger}"))
    yield
    s.flush()
    s.execute(
        text(f"INSERT INTO {search}(rowid, title) SELECT id, title FROM deals WHERE id > :last ORDER BY id"),
        {"last": last_id},
    )
    s.execute(text(sql))


def _bulk_update(s: Session, rows: Iterable[dict[str, Any]], *, with_entered: bool) -> None:
    rows = list(rows)
    if not rows:
        return
    values: dict[str, Any] = {k: bindparam(f"b_{k}") for k in COMPARED}
    values["version"] = bindparam("b_version")
    if with_entered:
        values["stage_entered_at"] = bindparam("b_entered")
        rows = [{**{k: v for k, v in r.items() if k != "_entered"}, "b_entered": r["_entered"]} for r in rows]
    s.execute(update(DEALS).where(DEALS.c.id == bindparam("b_id")).values(**values), rows)
