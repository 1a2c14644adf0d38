"""The backlog read model: open deals and open tasks in one ranked list.

Built to stay fast on a big store: one page is read at a time (LIMIT/OFFSET
over a UNION ALL of deals and tasks, ordered by rank), and the total is a
separate COUNT. Nothing here loads the whole table.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Numeric, Select, and_, cast, func, literal, null, or_, select, union_all

from salessprint.domain.enums import SprintState, StageKind, TaskStatus
from salessprint.domain.values import SprintView
from salessprint.services.lookups import sprint_in_state
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.services.views import sprint_view
from salessprint.store.db import Store
from salessprint.store.models import Account, Deal, Member, SprintItem, Stage, Task

PAGE_SIZE = 100


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


class BacklogPage(BaseModel):
    """A window of the backlog and how many rows the whole filtered list has."""

    model_config = ConfigDict(frozen=True)

    rows: list[BacklogRow]
    total: int
    offset: int
    mine: bool
    text: str
    sprint: SprintView | None
    """Where `pull` puts items: the planned sprint, else the active one."""


def _deals(uow: UnitOfWork, mine: bool, like: str | None) -> Select:  # type: ignore[type-arg]
    query = (
        select(
            literal("deal").label("item_type"),
            Deal.id.label("id"),
            Deal.title.label("title"),
            Account.name.label("account"),
            Member.login.label("owner"),
            Member.name.label("owner_name"),
            Stage.name.label("stage"),
            literal("deal").label("kind"),
            Deal.value.label("value"),
            Deal.points.label("points"),
            Deal.backlog_rank.label("rank"),
            Deal.version.label("version"),
        )
        .join(Account, Account.id == Deal.account_id)
        .join(Member, Member.id == Deal.owner_id)
        .join(Stage, Stage.id == Deal.stage_id)
        .where(Deal.team_id == uow.actor.team_id, Stage.kind == StageKind.OPEN.value)
    )
    if mine:
        query = query.where(Deal.owner_id == uow.actor.member_id)
    if like:
        query = query.where(or_(
            _match(Deal.title, like), _match(Account.name, like),
            _match(Member.login, like), _match(Member.name, like),
            _match(Stage.name, like), _match(literal("deal"), like),
        ))
    return query


def _tasks(uow: UnitOfWork, mine: bool, like: str | None) -> Select:  # type: ignore[type-arg]
    query = (
        select(
            literal("task").label("item_type"),
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
        .where(Task.team_id == uow.actor.team_id, Task.status != TaskStatus.DONE.value)
    )
    if mine:
        query = query.where(Task.assignee_id == uow.actor.member_id)
    if like:
        query = query.where(or_(
            _match(Task.title, like), _match(Account.name, like),
            _match(Member.login, like), _match(Member.name, like),
            _match(Task.status, like), _match(Task.kind, like),
            _match(Deal.title, like),
        ))
    return query


def _match(column, like: str):  # type: ignore[no-untyped-def]
    return func.lower(column).like(like, escape="\\")


def _like(text: str) -> str | None:
    clean = text.strip().lower()
    if not clean:
        return None
    escaped = clean.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _counted(uow: UnitOfWork, mine: bool, like: str | None) -> int:
    """How many rows the whole list has (two plain counts when unfiltered)."""
    if like:
        both = union_all(_deals(uow, mine, like), _tasks(uow, mine, like)).subquery("backlog")
        return int(uow.session.scalar(select(func.count()).select_from(both)) or 0)
    me, team_id = uow.actor.member_id, uow.actor.team_id
    deals = (select(func.count()).select_from(Deal).join(Stage, Stage.id == Deal.stage_id)
             .where(Deal.team_id == team_id, Stage.kind == StageKind.OPEN.value))
    tasks = select(func.count()).select_from(Task).where(Task.team_id == team_id, Task.status != TaskStatus.DONE.value)
    if mine:
        deals = deals.where(Deal.owner_id == me)
        tasks = tasks.where(Task.assignee_id == me)
    return int(uow.session.scalar(deals) or 0) + int(uow.session.scalar(tasks) or 0)


def backlog_page(
    store: Store,
    login: str,
    *,
    mine: bool = True,
    text: str = "",
    offset: int = 0,
    limit: int = PAGE_SIZE,
    known_total: int | None = None,
) -> BacklogPage:
    """One page of open deals and tasks by backlog rank, filtered by `text`
    (title, account, owner, stage or kind); `mine` keeps my own items.

    Each side (deals, tasks) reads at most `offset + limit` rows in rank order
    off its index before the two are merged, so the first pages cost the same
    on a store of a hundred or a hundred thousand deals. `known_total` (the
    count from the previous page of the same list) skips the COUNT.
    """
    like = _like(text)
    with unit_of_work(store, login) as uow:
        total = known_total if known_total is not None else _counted(uow, mine, like)
        offset = max(0, min(offset, max(0, total - 1)))
        depth = offset + limit
        deals = _deals(uow, mine, like).order_by(Deal.backlog_rank, Deal.id).limit(depth).subquery("d")
        tasks = _tasks(uow, mine, like).order_by(Task.backlog_rank, Task.id).limit(depth).subquery("t")
        both = union_all(select(deals), select(tasks)).subquery("backlog")
        page = uow.session.execute(
            select(both).order_by(both.c.rank, both.c.item_type, both.c.id).offset(offset).limit(limit)
        ).mappings().all()
        team_id = uow.actor.team_id
        sprint = sprint_in_state(uow.session, team_id, SprintState.PLANNED) or sprint_in_state(
            uow.session, team_id, SprintState.ACTIVE
        )
        in_sprint = _sprint_numbers(uow, [(r["item_type"], r["id"]) for r in page])
        rows = [
            BacklogRow(
                **{k: r[k] for k in ("item_type", "id", "title", "account", "owner", "owner_name", "stage",
                                     "kind", "points", "rank", "version")},
                value=Decimal(str(r["value"])) if r["value"] is not None else None,
                sprint_number=in_sprint.get((r["item_type"], r["id"])),
            )
            for r in page
        ]
        return BacklogPage(rows=rows, total=total, offset=offset, mine=mine, text=text,
                           sprint=sprint_view(sprint) if sprint else None)


def _sprint_numbers(uow: UnitOfWork, keys: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """Which of these items sit in a planned or active sprint (one query for the page)."""
    from salessprint.store.models import Sprint

    task_ids = [i for t, i in keys if t == "task"]
    deal_ids = [i for t, i in keys if t == "deal"]
    if not keys:
        return {}
    rows = uow.session.execute(
        select(SprintItem.task_id, SprintItem.deal_id, Sprint.number)
        .join(Sprint, Sprint.id == SprintItem.sprint_id)
        .where(
            Sprint.team_id == uow.actor.team_id,
            Sprint.state.in_([SprintState.PLANNED.value, SprintState.ACTIVE.value]),
            SprintItem.removed_at.is_(None),
            or_(
                and_(SprintItem.task_id.is_not(None), SprintItem.task_id.in_(task_ids or [-1])),
                and_(SprintItem.deal_id.is_not(None), SprintItem.deal_id.in_(deal_ids or [-1])),
            ),
        )
        .order_by(Sprint.number)
    )
    out: dict[tuple[str, int], int] = {}
    for task_id, deal_id, number in rows:
        out[("task", task_id) if task_id is not None else ("deal", deal_id)] = number
    return out


def move_in_backlog(
    store: Store,
    login: str,
    item_type: str,
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
    from salessprint.services.lookups import deal_by_id, task_by_id
    from salessprint.services.uow import snapshot

    if item_type not in ("deal", "task"):
        raise InvalidInput(f"Move a 'task' or a 'deal', not '{item_type}'.", field="item")
    like = _like(text)
    with unit_of_work(store, login) as uow:
        team_id = uow.actor.team_id
        if item_type == "task":
            row: Deal | Task = task_by_id(uow.session, team_id, item_id)
            uow.require(Action.EDIT_TASK, owns=row.assignee_id == uow.actor.member_id)  # type: ignore[union-attr]
        else:
            row = deal_by_id(uow.session, team_id, item_id)
            uow.require(Action.EDIT_DEAL, owns=owns_deal(uow, row))  # type: ignore[arg-type]
        uow.check_version(row, expected_version, item_type)
        both = union_all(_deals(uow, mine, like), _tasks(uow, mine, like)).subquery("backlog")
        key = (both.c.rank, both.c.item_type, both.c.id)
        me = (row.backlog_rank, item_type, item_id)
        from sqlalchemy import tuple_

        if direction < 0:
            cond, order = tuple_(*key) < tuple_(*me), [c.desc() for c in key]
        else:
            cond, order = tuple_(*key) > tuple_(*me), list(key)
        near = list(uow.session.scalars(select(both.c.rank).where(cond).order_by(*order).limit(2)))
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
