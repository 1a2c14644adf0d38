"""The backlog read model: open deals and open tasks in one ranked list.

Built to stay fast on a big store (100,000 deals, a tenth of them open):
- open deals are `closed_on IS NULL` (served by `ix_deals_team_closed` and
  the rank index), open tasks are `status <> 'done'` written as a literal so
  that it matches the partial index `ix_tasks_open_rank`;
- a window is read by keyset (`after` / `start` / `before` a row's
  `(rank, item_type, id)`), each side (deals, tasks) taking at most `limit`
  rows off its index before the two are merged; the display joins (account,
  owner, stage) are made for those rows only;
- the text filter is `lower(column) LIKE '%text%'` (store/search.py) on
  titles, accounts, owners, stages and task kinds. On SQLite a text of three
  characters or more first asks the FTS5 trigram tables how many rows hold
  it; when few do (`SPARSE`), the window reads them by id off the indexes
  (trigram tables, account, owner, stage) and sorts them. Otherwise, and for
  one or two characters, which have no trigram, the window walks the rank
  index and tests each open row until it is full. On PostgreSQL the
  pg_trgm GIN indexes serve the LIKE itself;
- statements are built once per shape with bind parameters and reused;
- the total is two index counts when unfiltered; filtered, a first window
  shorter than `limit` is the total, else the count stops at `COUNT_CAP`;
  a text of one or two characters (no trigram) is not counted at all: the
  total is then the rows read so far, shown as "50+".
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Numeric,
    Select,
    SQLColumnExpression,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from salessprint.domain.enums import ItemType, SprintState, TaskKind, TaskStatus
from salessprint.domain.values import SprintView
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.services.views import sprint_view
from salessprint.store import queries, search
from salessprint.store.db import Store
from salessprint.store.models import Account, Deal, Member, Sprint, SprintItem, Stage, Task

PAGE_SIZE = 100
"""Rows in one window of the backlog."""
COUNT_CAP = 1000
"""A filtered list counts no further than this ("1,000+")."""

BacklogKey = tuple[float, str, int]
"""Where a row sits in the backlog's order: (rank, item_type, id)."""

DONE: ColumnElement[TaskStatus] = literal_column(f"'{TaskStatus.DONE}'")
"""'done' as a literal, not a parameter: the partial index's predicate
(`status <> 'done'`) is only used when the query says exactly that."""


class BacklogRow(BaseModel):
    """One line of the backlog: a deal or a task, with what the list shows."""

    model_config = ConfigDict(frozen=True)

    item_type: str  # "deal" | "task"
    id: int
    title: str
    account: str | None
    owner: str
    owner_name: str
    stage: str  # a deal's stage, or a task's status
    kind: str  # "deal" or the task's kind
    value: Decimal | None
    points: int | None
    rank: float
    version: int
    sprint_number: int | None = None
    """The planned or active sprint this item is in, if any."""

    @property
    def key(self) -> BacklogKey:
        """Its place in the order, for the next window (`after=row.key`)."""
        return (self.rank, self.item_type, self.id)


class BacklogPage(BaseModel):
    """A window of the backlog and how many rows the whole filtered list has."""

    model_config = ConfigDict(frozen=True)

    rows: list[BacklogRow]
    total: int
    offset: int
    """Position of the first row in the whole list (as the caller counts it for keyset windows)."""
    mine: bool
    text: str
    sprint: SprintView | None
    """Where `pull` puts items: the planned sprint, else the active one."""
    total_capped: bool = False
    """The filtered list has more than `total` rows (COUNT_CAP, or the rows read so far
    for a text too short to count cheaply): shown as "1,000+"."""
    more_before: bool = False
    more_after: bool = False
    """Whether rows exist before / after this window (the screen fetches them on scroll)."""


Op = Literal[">", ">=", "<"]


class Shape(NamedTuple):
    """What decides a window's statement, apart from its bound values.

    Statements are built once per shape (`_window_statement`) and reused
    with new values: building one cost ~10 ms per keystroke (issue 16)."""

    trigram: bool
    """The filter's matches are few and found by the trigram indexes
    (`_sparse`; SQLite's FTS5 tables, PostgreSQL's pg_trgm GIN indexes):
    read by id off the indexes, column by column, then sorted. Else a filtered
    list walks the rank index and tests each open row until the window is
    full, which is quick when matches are many (or the text too short to
    have a trigram: then it is the only way)."""
    filtered: bool
    mine: bool
    deals_filtered: bool
    """False when the text is part of "deal": every deal matches by its kind."""
    task_status: bool
    task_kind: bool
    """Whether the text is part of a task status / kind name (then those columns are matched)."""
    any_array: bool
    """PostgreSQL: `col = ANY(ARRAY(...))`, which an index serves inside an OR."""
    short: bool = False
    """With `trigram`: the text is two characters, found through the trigrams
    that hold them and the rows too short for any (`search.two_letters`)."""
    deals_trigram: bool = False
    """PostgreSQL, without `trigram`: the deals' matches are few (the tasks'
    are not), so the deals side is read by id while the tasks side walks
    (`_deal_side`): walking the open deals tested each of them when few match."""


SPARSE = 2000
"""At most this many trigram candidates (deals, tasks, accounts) make a filter "sparse"."""


@lru_cache(maxsize=4)
def _sparse_statement(short: bool, fts: bool = True) -> Select[int, int, int, int]:
    """How many deals, tasks and accounts hold the trigrams of `:phrase` (each
    counted to SPARSE + 1; `short`: are listed for two letters), and how many
    members and stages match `:like`. Without `fts` (PostgreSQL), how many
    match `:like`, through the pg_trgm indexes: every deal (a task's deal may
    be closed: migration 0012), the open tasks, every account."""

    def fts_ids(table: str) -> Select[Any]:
        return search.matched_ids(table, short)

    def like_ids(table: str) -> Select[Any]:
        return {
            "deals": select(Deal.id).where(search.like(Deal.title)),
            "tasks": select(Task.id).where(Task.status != DONE, search.like(Task.title)),
            "accounts": select(Account.id).where(search.like(Account.name)),
        }[table]

    def capped(table: str) -> Any:
        found = (fts_ids if fts else like_ids)(table).limit(SPARSE + 1).subquery()
        return select(func.count()).select_from(found).scalar_subquery()

    people = select(func.count()).where(
        Member.team_id == TEAM, or_(search.like(Member.login), search.like(Member.name))
    )
    stages = select(func.count()).where(Stage.team_id == TEAM, search.like(Stage.name))
    return select(
        capped("deals"),
        capped("tasks"),
        capped("accounts"),
        people.scalar_subquery() + stages.scalar_subquery(),
    )


def _sparse(uow: UnitOfWork, text: str) -> tuple[bool, bool]:
    """Whether the filter's matches are few enough to read by id (one small
    statement): all of them, and those of the deals side alone."""
    fts = uow.session.get_bind().dialect.name == "sqlite"
    statement = _sparse_statement(fts and search.two_letters_ready(text), fts)
    found = uow.session.execute(statement, _params(uow, text)).one()
    deals = found[0] <= SPARSE and found[2] <= SPARSE // 10 and not found[3]
    return deals and found[1] <= SPARSE, deals


def _shape(uow: UnitOfWork, mine: bool, text: str) -> Shape:
    """The statement's shape; a text with trigrams asks the store first
    whether its candidates are few (`_sparse`)."""
    clean = text.strip().lower()
    backend = uow.session.get_bind().dialect.name
    if backend == "sqlite":
        indexed = search.trigram_ready(clean) or search.two_letters_ready(clean)
    else:  # pg_trgm finds three characters or more
        indexed = search.trigram_ready(clean)
    sparse, deals_sparse = _sparse(uow, text) if clean and indexed else (False, False)
    return Shape(
        short=sparse and backend == "sqlite" and search.two_letters_ready(clean),
        trigram=sparse,
        filtered=bool(clean),
        mine=mine,
        deals_filtered=bool(clean) and clean not in ItemType.DEAL,
        task_status=bool(clean) and any(clean in s for s in TaskStatus),
        task_kind=bool(clean) and any(clean in k for k in TaskKind),
        any_array=backend == "postgresql",
        deals_trigram=deals_sparse and not sparse and backend == "postgresql",
    )


def _deal_side(shape: Shape) -> Shape:
    """The shape the deals side is read in: by id (`trigram`) also when only
    its own matches are few (`Shape.deals_trigram`)."""
    return shape._replace(trigram=True, deals_trigram=False) if shape.deals_trigram else shape


def _params(uow: UnitOfWork, text: str, **more: Any) -> dict[str, Any]:
    return {
        "team_id": uow.actor.team_id,
        "me": uow.actor.member_id,
        "like": search.like_pattern(text),
        **_phrase(uow, text),
        **more,
    }


def _phrase(uow: UnitOfWork, text: str) -> dict[str, str]:
    """What the trigram tables are asked: the text as a phrase; two characters
    on SQLite, every trigram holding them and the rows too short for any (asked
    once per unit of work)."""
    if not search.two_letters_ready(text) or uow.session.get_bind().dialect.name != "sqlite":
        return {"phrase": search.phrase(text)}
    asked: dict[str, dict[str, str]] = uow.session.info.setdefault("backlog_two_letters", {})
    if text not in asked:
        asked[text] = {"phrase": search.phrase(text), **search.two_letters(uow.session.connection(), text, SPARSE)}
    return asked[text]


def _keyset(
    rank: SQLColumnExpression[float], ident: SQLColumnExpression[int], side: ItemType, key_type: str, op: Op
) -> ColumnElement[bool]:
    """This side's rows strictly after (>), from (>=) or before (<) the key
    `(:key_rank, key_type, :key_id)` in the order (rank, item_type, id);
    written with a plain range on rank first so that an index on (team_id,
    backlog_rank, id) serves it."""
    r, i = KEY_RANK, KEY_ID
    if side != key_type:  # on equal ranks the item type decides: 'deal' < 'task'
        if op == "<":
            return rank < r if side > key_type else rank <= r
        return rank >= r if side > key_type else rank > r
    if op == "<":
        return and_(rank <= r, or_(rank < r, ident < i))
    return and_(rank >= r, or_(rank > r, ident >= i if op == ">=" else ident > i))


KEY_RANK: BindParameter[float] = bindparam("key_rank")
KEY_ID: BindParameter[int] = bindparam("key_id")
TEAM: BindParameter[int] = bindparam("team_id")
ME: BindParameter[int] = bindparam("me")
DEPTH: BindParameter[int] = bindparam("depth")


def _among(shape: Shape, column: SQLColumnExpression[int | None], ids: Select[Any]) -> ColumnElement[bool]:
    """`column IN (ids)`; on PostgreSQL `column = ANY(ARRAY(ids))`, which its
    planner can serve by an index inside an OR (an IN sub-select it cannot)."""
    if shape.any_array:
        return column == any_(func.array(ids.scalar_subquery()))
    return column.in_(ids)


def _fts(shape: Shape) -> bool:
    """Whether the matches are read off SQLite's FTS5 trigram tables (`search.matches`):
    on PostgreSQL the LIKE itself is served by the pg_trgm indexes."""
    return shape.trigram and not shape.any_array


def _matching_accounts(shape: Shape) -> Select[int]:
    team = queries.sqlite_hint(Account.team_id) if shape.trigram else Account.team_id  # read by id off the trigrams
    return select(Account.id).where(
        team == TEAM, search.matches(Account.id, Account.name, "accounts", _fts(shape), shape.short)
    )


def _matching_members() -> Select[int]:
    return select(Member.id).where(Member.team_id == TEAM, or_(search.like(Member.login), search.like(Member.name)))


def _deal_filter(shape: Shape) -> list[ColumnElement[bool]]:
    """Open deals of the team (or mine) matching `:like` by title, account, owner or stage.

    Each part is a test of one indexed column against a small sub-select
    (evaluated once), so that the planner can read the matching deals off
    the indexes instead of checking every open deal."""
    shape = _deal_side(shape)
    if shape.trigram and shape.deals_filtered:
        # Every part of the match is indexed: SQLite then reads the matching
        # deals off those indexes (a MULTI-INDEX OR) if nothing else looks
        # cheaper, so the team's and the open deals' indexes are hidden from it.
        team, closed = queries.sqlite_hint(Deal.team_id), queries.sqlite_hint(Deal.closed_on)
        where = [team == TEAM, closed.is_(None)]
    else:
        where = [queries.open_deals(TEAM)]
    if shape.mine:
        where.append(Deal.owner_id == ME)
    if shape.deals_filtered:
        terms = [
            search.matches(Deal.id, Deal.title, "deals", _fts(shape), shape.short),
            _among(shape, Deal.account_id, _matching_accounts(shape)),
        ]
        if not _by_id_pg(shape):
            terms += [
                _among(shape, Deal.owner_id, _matching_members()),
                _among(shape, Deal.stage_id, select(Stage.id).where(Stage.team_id == TEAM, search.like(Stage.name))),
            ]
        where.append(or_(*terms))
    return where


def _by_id_pg(shape: Shape) -> bool:
    """PostgreSQL, few matches (`Shape.trigram`): the rows are read by id off
    the indexes of the columns that can match, then sorted.

    No member and no stage matched the text (`_sparse` says so before this
    shape is taken, in the same unit of work), so their terms are left out:
    PostgreSQL cannot tell how few ids `owner_id = ANY(ARRAY(...))` brings
    (it guesses a fifth of the rows for the owner, all of them for the
    stage), and with them in the OR it reads every open deal (and joins
    every deal to the tasks) instead of the few the trigram indexes find."""
    return shape.trigram and shape.any_array


def open_deal_match(uow: UnitOfWork, text: str) -> tuple[dict[bool, list[ColumnElement[bool]]], dict[str, Any]]:
    """The backlog filter's test of open deals against `text`, for other lists
    of deals (the deal picker): {mine: conditions} for my deals (True) and the
    team's (False), and the values they are bound to. On SQLite the trigram
    index is asked once, whichever is read."""
    shape = _shape(uow, True, text)
    return {mine: _deal_filter(shape._replace(mine=mine)) for mine in (True, False)}, _params(uow, text)


def _task_filter(shape: Shape) -> list[ColumnElement[bool]]:
    """Open tasks (the partial index's predicate, literally) of the team or
    mine, matching `:like` by title, assignee, status, kind, or their deal's
    title or account."""
    indexed = shape.trigram and not (shape.task_status or shape.task_kind)
    team = queries.sqlite_hint(Task.team_id) if indexed else Task.team_id  # as for deals
    where: list[ColumnElement[bool]] = [team == TEAM, Task.status != DONE]
    if shape.mine:
        where.append(Task.assignee_id == ME)
    if shape.filtered and not shape.trigram and shape.any_array:
        # PostgreSQL walking the rank index: each open task is tested on its
        # own columns and its deal looked up by id (`_deal_of_task_matches`),
        # so that the window is the tasks table alone until it is full.
        terms = [
            search.like(Task.title),
            _among(shape, Task.assignee_id, _matching_members()),
            _deal_of_task_matches(shape),
        ]
        if shape.task_status:
            terms.append(search.like(Task.status))
        if shape.task_kind:
            terms.append(search.like(Task.kind))
        where.append(or_(*terms))
    elif shape.filtered and not shape.trigram:
        # Walking the rank index: each open task is tested on the rows
        # `_task_rows` (and the count) join to it.
        terms = [search.like(c) for c in (Task.title, Account.name, Member.login, Member.name, Deal.title)]
        if shape.task_status:
            terms.append(search.like(Task.status))
        if shape.task_kind:
            terms.append(search.like(Task.kind))
        where.append(or_(*terms))
    elif shape.filtered:
        deals = select(Deal.id).where(
            or_(
                search.matches(Deal.id, Deal.title, "deals", _fts(shape), shape.short),
                _among(shape, Deal.account_id, _matching_accounts(shape)),
            )
        )
        terms = [
            search.matches(Task.id, Task.title, "tasks", _fts(shape), shape.short),
            _among(shape, Task.deal_id, deals),
        ]
        if not _by_id_pg(shape):  # no member matched (`_by_id_pg`)
            terms.append(_among(shape, Task.assignee_id, _matching_members()))
        if shape.task_status:
            terms.append(search.like(Task.status))
        if shape.task_kind:
            terms.append(search.like(Task.kind))
        where.append(or_(*terms))
    return where


def _deal_of_task_matches(shape: Shape) -> ColumnElement[bool]:
    """The task's deal matches `:like` by title or account, for the walk of
    the rank index (PostgreSQL): `deal_id IN (the matching deals)`, which
    PostgreSQL answers from a hash of those deals, read once through the
    trigram indexes (every deal's title: migration 0012; the accounts').

    Written as joins of the task to its deal and account, the whole match
    was one OR across a join, whose selectivity PostgreSQL cannot tell: it
    guessed 145 matches of 98,000 for "follow" (10,786 match the title
    alone), hash-joined every open task to every deal and account and
    sorted them (2.3 s) instead of walking the rank index until the window
    was full."""
    deals = select(Deal.id).where(
        or_(search.like(Deal.title), _among(shape, Deal.account_id, _matching_accounts(shape)))
    )
    return Task.deal_id.in_(deals)


def _unordered(shape: Shape, rank: SQLColumnExpression[float]) -> ColumnElement[float]:
    """The rank as an expression no index yields in order, for a window of few
    matches (`Shape.trigram`): the planner then reads the matches by id off
    their indexes and sorts them. Walking the rank index instead looks cheap
    to PostgreSQL, which cannot tell how few ids the sub-selects return (it
    guessed 18,000 of 98,000 open tasks for one match), and reads every open
    row (0.8 s at 100,000). `rank + 0`; on SQLite `queries.sqlite_hint`."""
    if shape.any_array:
        return rank + literal_column("0")
    return queries.sqlite_hint(rank)


def _deal_rows(shape: Shape, key_type: str | None, op: Op) -> Select[*tuple[Any, ...]]:
    """At most `:depth` deals in order off the deals table alone, then joined
    for display (account, owner, stage) — `depth` rows, not every open deal."""
    shape = _deal_side(shape)
    where = _deal_filter(shape)
    # Unless the trigram tables found the few matches (then they are read by
    # id and sorted), the window walks the open deals' rank index
    # (ix_deals_open_rank, named: SQLite, without statistics, would sort every
    # open deal off (team_id, closed_on) or walk closed deals too), testing
    # each against the filter, until `:depth` are found.
    walk = not shape.trigram
    rank = Deal.backlog_rank if walk else _unordered(shape, Deal.backlog_rank)
    if key_type is not None:
        where.append(_keyset(rank, Deal.id, ItemType.DEAL, key_type, op))
    order = [rank, Deal.id] if op != "<" else [rank.desc(), Deal.id.desc()]
    deals = (
        select(
            Deal.id,
            Deal.title,
            Deal.account_id,
            Deal.owner_id,
            Deal.stage_id,
            Deal.value,
            Deal.points,
            Deal.backlog_rank,
            Deal.version,
        )
        .where(*where)
        .order_by(*order)
        .limit(DEPTH)
    )
    if walk:  # the open deals in rank order, until the window is full
        deals = deals.with_hint(Deal, "INDEXED BY ix_deals_open_rank", dialect_name="sqlite")
    window = deals.subquery("dw")
    return (
        select(
            literal(ItemType.DEAL).label("item_type"),
            window.c.id.label("id"),
            window.c.title.label("title"),
            # One account looked up per row of the window (PostgreSQL would
            # hash-join a full scan of the accounts for a hundred rows).
            select(Account.name).where(Account.id == window.c.account_id).scalar_subquery().label("account"),
            Member.login.label("owner"),
            Member.name.label("owner_name"),
            Stage.name.label("stage"),
            literal(ItemType.DEAL).label("kind"),
            window.c.value.label("value"),
            window.c.points.label("points"),
            window.c.backlog_rank.label("rank"),
            window.c.version.label("version"),
        )
        .select_from(window)
        .join(Member, Member.id == window.c.owner_id)
        .join(Stage, Stage.id == window.c.stage_id)
    )


def _task_rows(shape: Shape, key_type: str | None, op: Op) -> Select[*tuple[Any, ...]]:
    """At most `:depth` open tasks in order, walking the partial index."""
    where = _task_filter(shape)
    by_id = _by_id_pg(shape)
    rank = _unordered(shape, Task.backlog_rank) if by_id else Task.backlog_rank
    if key_type is not None:
        where.append(_keyset(rank, Task.id, ItemType.TASK, key_type, op))
    order = [rank, Task.id] if op != "<" else [rank.desc(), Task.id.desc()]
    if shape.any_array:  # the match tests the task's own row (PostgreSQL): joined after the limit
        return _task_rows_by_id(where, order)
    window = (
        select(
            literal(ItemType.TASK).label("item_type"),
            Task.id.label("id"),
            Task.title.label("title"),
            Account.name.label("account"),
            Member.login.label("owner"),
            Member.name.label("owner_name"),
            Task.status.label("stage"),
            Task.kind.label("kind"),
            cast(null(), Numeric(14, 2)).label("value"),
            Task.points.label("points"),
            Task.backlog_rank.label("rank"),
            Task.version.label("version"),
        )
        .join(Member, Member.id == Task.assignee_id)
        .outerjoin(Deal, Deal.id == Task.deal_id)
        .outerjoin(Account, Account.id == Deal.account_id)
        .where(*where)
        .order_by(*order)
        .limit(DEPTH)
        .subquery("tw")
    )
    return select(window)


def _task_rows_by_id(where: list[ColumnElement[bool]], order: list[Any]) -> Select[*tuple[Any, ...]]:
    """`_task_rows` for PostgreSQL: the window off the tasks table alone (the
    match tests the task's own row: `_task_filter`), then joined for
    display, as deals are (`_deal_rows`): joined first, PostgreSQL, guessing
    thousands of matches among few, hash-joined every deal and account."""
    tasks = (
        select(
            Task.id,
            Task.title,
            Task.deal_id,
            Task.assignee_id,
            Task.status,
            Task.kind,
            Task.points,
            Task.backlog_rank,
            Task.version,
        )
        .where(*where)
        .order_by(*order)
        .limit(DEPTH)
        .subquery("tw")
    )
    account = (
        select(Account.name)
        .join(Deal, Deal.account_id == Account.id)
        .where(Deal.id == tasks.c.deal_id)
        .scalar_subquery()
    )
    return select(
        literal(ItemType.TASK).label("item_type"),
        tasks.c.id.label("id"),
        tasks.c.title.label("title"),
        account.label("account"),
        Member.login.label("owner"),
        Member.name.label("owner_name"),
        tasks.c.status.label("stage"),
        tasks.c.kind.label("kind"),
        cast(null(), Numeric(14, 2)).label("value"),
        tasks.c.points.label("points"),
        tasks.c.backlog_rank.label("rank"),
        tasks.c.version.label("version"),
    ).join_from(tasks, Member, Member.id == tasks.c.assignee_id)


@lru_cache(maxsize=128)
def _window_statement(shape: Shape, key_type: str | None, op: Op, offset: bool) -> Select[*tuple[Any, ...]]:
    """Up to `:limit` rows of the merged list after/from/before the key (or
    from the top, skipping `:offset`), in the direction of `op`."""
    both = union_all(_deal_rows(shape, key_type, op), _task_rows(shape, key_type, op)).subquery("backlog")
    order: list[ColumnElement[Any]] = [both.c.rank, both.c.item_type, both.c.id]
    if op == "<":
        order = [c.desc() for c in order]
    query = select(both).order_by(*order).limit(bindparam("limit"))
    return query.offset(bindparam("offset")) if offset else query


def _window(
    uow: UnitOfWork,
    mine: bool,
    text: str,
    key: BacklogKey | None,
    op: Op,
    limit: int,
    offset: int = 0,
    shape: Shape | None = None,
) -> list[dict[str, Any]]:
    """Up to `limit` rows of the merged list after/from/before `key` (or from
    the top, skipping `offset`), in the direction of `op`."""
    shape = shape or _shape(uow, mine, text)
    statement = _window_statement(shape, key[1] if key else None, op, offset > 0)
    params = _params(uow, text, depth=offset + limit, limit=limit, offset=offset)
    if key is not None:
        params.update(key_rank=key[0], key_id=key[2])
    rows = [dict(r) for r in uow.session.execute(statement, params).mappings().all()]
    return rows[::-1] if op == "<" else rows


def top_of_backlog(uow: UnitOfWork, count: int) -> list[tuple[str, int, int | None]]:
    """(item type, id, points) of the team's top `count` open backlog items, in
    backlog order: the slice `report forecast --when-done` forecasts."""
    return [(r["item_type"], r["id"], r["points"]) for r in _window(uow, False, "", None, ">", count)]


@lru_cache(maxsize=64)
def _count_statement(shape: Shape) -> Select[int, int]:
    """How many rows the whole list has, in one statement: two index counts
    when unfiltered; filtered, each side counted no further than COUNT_CAP."""
    deals = select(Deal.id).where(*_deal_filter(shape))
    tasks = select(Task.id).where(*_task_filter(shape))
    if shape.filtered and not shape.trigram and not shape.any_array:
        tasks = (
            tasks.join(Member, Member.id == Task.assignee_id)
            .outerjoin(Deal, Deal.id == Task.deal_id)
            .outerjoin(Account, Account.id == Deal.account_id)
        )
    if shape.filtered:
        deals, tasks = deals.limit(COUNT_CAP + 1), tasks.limit(COUNT_CAP + 1)
    n_deals = select(func.count()).select_from(deals.subquery("dc")).scalar_subquery()
    n_tasks = select(func.count()).select_from(tasks.subquery("tc")).scalar_subquery()
    return select(n_deals, n_tasks)


def _counted(uow: UnitOfWork, mine: bool, text: str, shape: Shape | None = None) -> tuple[int, bool]:
    """How many rows the whole list has (at most COUNT_CAP when filtered), and whether it is capped."""
    statement = _count_statement(shape or _shape(uow, mine, text))
    found = uow.session.execute(statement, _params(uow, text)).one()
    total = int(found[0] or 0) + int(found[1] or 0)
    if text.strip() and total > COUNT_CAP:
        return COUNT_CAP, True
    return total, False


def _direction(
    after: BacklogKey | None, start: BacklogKey | None, before: BacklogKey | None
) -> tuple[BacklogKey | None, Op]:
    if after is not None:
        return after, ">"
    if start is not None:
        return start, ">="
    if before is not None:
        return before, "<"
    return None, ">"


def backlog_page(
    store: Store,
    login: str,
    *,
    mine: bool = True,
    text: str = "",
    offset: int = 0,
    limit: int = PAGE_SIZE,
    known_total: int | None = None,
    after: BacklogKey | None = None,
    start: BacklogKey | None = None,
    before: BacklogKey | None = None,
) -> BacklogPage:
    """A window of open deals and tasks by backlog rank, filtered by `text`
    (title, account, owner, stage or kind); `mine` keeps my own items.

    Windows are read by keyset: `after=row.key` the rows following a row,
    `start=row.key` from that row on (a reload in place), `before=row.key`
    the rows preceding it; `offset` then only says where the window sits in
    the whole list. Without a key, `offset` skips rows (cheap for the first
    pages only). `known_total` (the count from a previous window of the same
    list) skips the COUNT.
    """
    key, op = _direction(after, start, before)
    keyset = key is not None
    with unit_of_work(store, login, read_only=True) as uow:
        shape = _shape(uow, mine, text)  # asks the trigram tables once for the window and the count
        found = _window(uow, mine, text, key, op, limit + 1, 0 if keyset else max(0, offset), shape)
        more = len(found) > limit
        found = (found[1:] if op == "<" else found[:limit]) if more else found
        capped = False
        if known_total is not None:
            total = known_total
        elif text.strip() and not keyset and offset <= 0 and not more:
            total = len(found)  # the whole filtered list fits in this window: no COUNT
        elif text.strip() and not search.trigram_ready(text) and not shape.trigram:
            # No trigram index serves one or two characters: a COUNT would test
            # every open row (a quarter of a second at 100,000), so the list
            # says how far it has got ("50+").
            total, capped = max(0, offset) + len(found), True
        else:
            total, capped = _counted(uow, mine, text, shape)
        sprint = queries.sprint_to_plan(uow.session, uow.actor.team_id)
        in_sprint = _sprint_numbers(uow, [(r["item_type"], r["id"]) for r in found])
        rows = [
            BacklogRow(
                **{
                    k: r[k]
                    for k in (
                        "item_type",
                        "id",
                        "title",
                        "account",
                        "owner",
                        "owner_name",
                        "stage",
                        "kind",
                        "points",
                        "rank",
                        "version",
                    )
                },
                value=Decimal(str(r["value"])) if r["value"] is not None else None,
                sprint_number=in_sprint.get((r["item_type"], r["id"])),
            )
            for r in found
        ]
        if op == "<":
            more_before, more_after = more, True
        else:
            more_before, more_after = keyset or offset > 0, more
        return BacklogPage(
            rows=rows,
            total=total,
            offset=max(0, offset),
            mine=mine,
            text=text,
            sprint=sprint_view(sprint) if sprint else None,
            total_capped=capped,
            more_before=more_before,
            more_after=more_after,
        )


WARM_TEXTS = ("q", "qz", "qzx")
"""Texts of one, two and three letters that name no task status or kind: the
filter's statements for a text of each length, built and compiled ahead."""


def learn_filter(store: Store, login: str, *, mine: bool = False) -> None:
    """Get the filter ready for its first keystrokes: what the trigram tables
    hold (SQLite, `search.learn_letters`) and the statements of a filtered
    window of one, two and three letters (built once per shape, compiled on
    first use: together tens of milliseconds that the first letters typed
    would otherwise wait for). The backlog asks for it once it has shown its
    first window."""
    with unit_of_work(store, login, read_only=True) as uow:
        if uow.session.get_bind().dialect.name == "sqlite":
            search.learn_letters(uow.session.connection())
    for text in WARM_TEXTS:
        backlog_page(store, login, mine=mine, text=text, limit=1)


@lru_cache(maxsize=1)
def _sprint_numbers_statement() -> Select[int | None, int | None, int]:
    """Which of the tasks `:task_ids` and deals `:deal_ids` sit in a planned or active sprint."""
    return (
        select(SprintItem.task_id, SprintItem.deal_id, Sprint.number)
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(
            Sprint.team_id == TEAM,
            Sprint.state.in_([SprintState.PLANNED, SprintState.ACTIVE]),
            SprintItem.removed_at.is_(None),
            or_(
                and_(SprintItem.task_id.is_not(None), SprintItem.task_id.in_(bindparam("task_ids", expanding=True))),
                and_(SprintItem.deal_id.is_not(None), SprintItem.deal_id.in_(bindparam("deal_ids", expanding=True))),
            ),
        )
        .order_by(Sprint.number)
    )


def _sprint_numbers(uow: UnitOfWork, keys: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """Which of these items sit in a planned or active sprint (one query for the window)."""
    if not keys:
        return {}
    task_ids = [i for t, i in keys if t == ItemType.TASK] or [-1]
    deal_ids = [i for t, i in keys if t == ItemType.DEAL] or [-1]
    rows = uow.session.execute(
        _sprint_numbers_statement(), {"team_id": uow.actor.team_id, "task_ids": task_ids, "deal_ids": deal_ids}
    )
    out: dict[tuple[str, int], int] = {}
    for task_id, deal_id, number in rows:
        if task_id is not None:
            out[(ItemType.TASK, task_id)] = number
        elif deal_id is not None:
            out[(ItemType.DEAL, deal_id)] = number
    return out


def move_in_backlog(
    store: Store,
    login: str,
    item_type: ItemType | str,
    item_id: int,
    direction: int,
    *,
    mine: bool = True,
    text: str = "",
    expected_version: int | None = None,
) -> float:
    """Move a deal or task one place up (-1) or down (+1) in the backlog as
    the user sees it (same `mine`/`text` filter); returns its new rank."""
    from salessprint.domain.errors import InvalidInput
    from salessprint.domain.permissions import Action
    from salessprint.services.deals import owns_deal
    from salessprint.services.uow import snapshot
    from salessprint.store.lookups import deal_by_id, task_by_id

    if item_type not in (ItemType.DEAL, ItemType.TASK):
        raise InvalidInput(f"Move a 'task' or a 'deal', not '{item_type}'.", field="item")
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        row: Deal | Task
        if item_type == ItemType.TASK:
            row = task = task_by_id(uow.session, team_id, item_id)
            uow.require(Action.EDIT_TASK, owns=task.assignee_id == uow.actor.member_id)
        else:
            row = deal = deal_by_id(uow.session, team_id, item_id)
            uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, deal))
        uow.check_version(row, expected_version, item_type)
        me: BacklogKey = (row.backlog_rank, item_type, item_id)
        # The two nearest neighbours in the direction of the move, nearest first.
        near_rows = _window(uow, mine, text, me, "<" if direction < 0 else ">", 2)
        near = [float(r["rank"]) for r in (near_rows[::-1] if direction < 0 else near_rows)]
        if not near:
            return row.backlog_rank
        if len(near) == 1 or near[0] == near[1]:
            # Past the last neighbour (or a tie): one step beyond it.
            step = 1.0 if len(near) == 1 else 1e-6
            new_rank = near[0] + step * (1 if direction > 0 else -1)
        else:
            new_rank = (near[0] + near[1]) / 2
        before = snapshot(row)
        row.backlog_rank = new_rank
        uow.session.flush()
        uow.record(item_type, row.id, "update", before, snapshot(row))
        return new_rank
