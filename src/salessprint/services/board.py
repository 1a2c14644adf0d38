"""The board's read model: per lane a window of cards and the lane's figures.

A sprint of 10,000 cards is not read whole (issue 16: 570 ms and 151 MB):
each lane holds the first `LANE_WINDOW` cards in board order (by card id)
and reads further windows by keyset (`after` a card's id) as the user
scrolls. The lanes' card counts and points, and who has cards on the board
(for the rep filter), come from one GROUP BY; the windows of the three
lanes from one statement (a walk in card order per lane, stopping when
its window is full); the cards' display fields
from one more (`sprints.item_views`).

A card's lane is its task's status (a task card), else the card's own
status; cards taken out of the sprint are not on the board.

`board_update` is the screen's read: it first asks the change log what was
committed since the board was last read, and when that is only the moves
the screen made itself (`sprints.move_board_card` says which changes those
were), it reads nothing more: the screen shows them already.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal, select, union_all

from salessprint.domain.enums import TaskStatus
from salessprint.domain.values import SprintItemView
from salessprint.services.sprints import item_views
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.feed import newest_change_id
from salessprint.store.models import Change, Member, SprintItem, Task

LANE_WINDOW = 60
"""Cards a lane reads at a time (a tall terminal shows about fifteen)."""
STATUSES = (TaskStatus.TODO, TaskStatus.DOING, TaskStatus.DONE)


@dataclass(frozen=True)
class LaneView:
    """One lane: the cards held (the first window, or the next one) and its figures."""

    status: str
    cards: list[SprintItemView]
    count: int
    """Cards in the lane (of the rep filtered on, if any)."""
    points: int
    more: bool
    """Cards follow the last one held (read them with `lane_window(after=...)`)."""


@dataclass(frozen=True)
class BoardView:
    """The current sprint's board: its lanes, and who has cards on it."""

    sprint_number: int | None
    lanes: dict[str, LaneView]
    reps: list[tuple[str, str]]
    """(name, login) of everyone with a card on the board, by name."""
    rep: str | None
    """The login the lanes are filtered on, or None for everyone."""


@dataclass(frozen=True)
class BoardUpdate:
    """What `board_update` found: the newest change, and the board if it must be shown again."""

    newest_change: int
    """The team's newest change id when the board was read (0: none yet)."""
    board: BoardView | None
    """The board, or None: nothing but the changes named as already shown was committed since."""


def _lane() -> ColumnElement[str]:
    """The lane of a card (joined to its task, if any)."""
    return func.coalesce(Task.status, SprintItem.status)


def _on_board() -> list[ColumnElement[bool]]:
    return [SprintItem.sprint_id == bindparam("sprint_id"), SprintItem.removed_at.is_(None)]


@lru_cache(maxsize=1)
def _groups_statement() -> Select[str, str, str, int, int]:
    """Cards and points per lane and member on sprint `:sprint_id`."""
    lane = _lane()
    return (
        select(lane, Member.login, Member.name, func.count(), func.coalesce(func.sum(SprintItem.points), 0))
        .select_from(SprintItem)
        .join(Member, Member.id == SprintItem.member_id)
        .outerjoin(Task, Task.id == SprintItem.task_id)
        .where(*_on_board())
        .group_by(lane, Member.login, Member.name)
    )


@lru_cache(maxsize=16)
def _window_statement(lanes: tuple[str, ...], one_rep: bool, keyset: bool) -> Select[str, int]:
    """(lane, card id) of the first `:per_lane` cards of each of `lanes` on
    sprint `:sprint_id` (of member `:member_id`; after card `:after`), in
    board order: per lane a walk of ix_sprint_items_sprint_card (migration
    0011) in card order that stops when the window is full."""
    lane = _lane()
    parts = []
    for status in lanes:
        where = [*_on_board(), lane == literal(status)]
        if one_rep:
            where.append(SprintItem.member_id == bindparam("member_id"))
        if keyset:
            where.append(SprintItem.id > bindparam("after"))
        parts.append(
            select(literal(status).label("lane"), SprintItem.id.label("id"))
            .outerjoin(Task, Task.id == SprintItem.task_id)
            .where(*where)
            .order_by(SprintItem.id)
            .limit(bindparam("per_lane"))
            .subquery()
        )
    return union_all(*(select(part.c.lane, part.c.id) for part in parts))  # type: ignore[return-value]


def _windows(
    uow: UnitOfWork, sprint: Any, lanes: dict[str, int], member_id: int | None, after: int | None
) -> dict[str, tuple[list[SprintItemView], bool]]:
    """The cards of each lane in `lanes` (at most its number; `after` a card id), and whether more follow."""
    if not lanes:
        return {}
    params = {"sprint_id": sprint.id, "member_id": member_id, "after": after, "per_lane": max(lanes.values()) + 1}
    statement = _window_statement(tuple(lanes), member_id is not None, after is not None)
    rows = uow.session.execute(statement, params).all()
    ids: dict[str, list[int]] = {status: [] for status in lanes}
    for lane, card_id in rows:
        ids[str(lane)].append(card_id)
    views = {v.id: v for v in item_views(uow, sprint, [i for found in ids.values() for i in found])}
    return {
        status: ([views[i] for i in found[: lanes[status]]], len(found) > lanes[status])
        for status, found in ids.items()
    }


def _member_id(uow: UnitOfWork, login: str | None) -> int | None:
    if login is None:
        return None
    found = uow.session.scalar(select(Member.id).where(Member.team_id == uow.actor.team_id, Member.login == login))
    return found if found is not None else -1  # a login not on the team: no cards


def board(store: Store, login: str, *, rep: str | None = None, held: dict[str, int] | None = None) -> BoardView:
    """The current sprint's board (active, else planned): per lane its first
    cards (LANE_WINDOW, or as many as `held` says the screen holds), its card
    count and points, of `rep`'s cards only when given."""
    with unit_of_work(store, login, read_only=True) as uow:
        return _board_in(uow, rep, held)


def board_update(
    store: Store,
    login: str,
    *,
    rep: str | None = None,
    held: dict[str, int] | None = None,
    seen: int | None = None,
    shown: frozenset[int] = frozenset(),
) -> BoardUpdate:
    """The board as `board` reads it, unless every change committed after change
    `seen` (the newest when the screen last read it) is in `shown` (changes the
    screen made and shows): then no board is read.

    Only on SQLite: its writers take turns, so change ids are committed in
    order and nothing can still appear below the newest one. PostgreSQL's
    concurrent transactions may commit a lower id later; there the board is
    always read."""
    with unit_of_work(store, login, read_only=True) as uow:
        newest = newest_change_id(uow.session, uow.actor.team_id)
        in_order = uow.session.get_bind().dialect.name == "sqlite"
        if seen is not None and in_order and newest >= seen:
            news = uow.session.scalars(
                select(Change.id)
                .where(Change.team_id == uow.actor.team_id, Change.id > seen, Change.id <= newest)
                .limit(len(shown) + 1)
            )
            if all(change in shown for change in news):
                return BoardUpdate(newest, None)
        return BoardUpdate(newest, _board_in(uow, rep, held))


def _board_in(uow: UnitOfWork, rep: str | None, held: dict[str, int] | None) -> BoardView:
    sprint = queries.current_sprint(uow.session, uow.actor.team_id)
    if sprint is None:
        empty = {s.value: LaneView(s.value, [], 0, 0, False) for s in STATUSES}
        return BoardView(None, empty, [], rep)
    counts: dict[str, int] = {}
    points: dict[str, int] = {}
    reps: set[tuple[str, str]] = set()
    for lane, owner, name, n, pts in uow.session.execute(_groups_statement(), {"sprint_id": sprint.id}):
        reps.add((name, owner))
        if rep is None or owner == rep:
            counts[str(lane)] = counts.get(str(lane), 0) + int(n)
            points[str(lane)] = points.get(str(lane), 0) + int(pts)
    sizes = {s.value: max(LANE_WINDOW, (held or {}).get(s.value, 0)) for s in STATUSES if counts.get(s.value)}
    windows = _windows(uow, sprint, sizes, _member_id(uow, rep), None)
    lanes = {}
    for s in STATUSES:
        cards, more = windows.get(s.value, ([], False))
        lanes[s.value] = LaneView(s.value, cards, counts.get(s.value, 0), points.get(s.value, 0), more)
    return BoardView(sprint.number, lanes, sorted(reps), rep)


def lane_window(
    store: Store, login: str, status: str, *, after: int, rep: str | None = None, limit: int = LANE_WINDOW
) -> tuple[list[SprintItemView], bool]:
    """The next `limit` cards of a lane after card `after` (of `rep` only), and whether more follow."""
    with unit_of_work(store, login, read_only=True) as uow:
        sprint = queries.current_sprint(uow.session, uow.actor.team_id)
        if sprint is None:
            return [], False
        return _windows(uow, sprint, {status: limit}, _member_id(uow, rep), after)[status]
