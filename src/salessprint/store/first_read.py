"""The first read: the header and the board's first lane windows, with the database driver alone.

Why this exists (issue 16): importing SQLAlchemy, its ORM, the models and
pydantic costs about three times what Textual itself costs before the first
frame. So the app's first worker reads what its first frame shows with
`sqlite3` or psycopg (no SQLAlchemy, no pydantic), shows it, and only then imports the
ORM and opens the real store; everything after that (writes, other screens,
live refresh, the board's own reloads) goes through the store as before.

What is read here must be exactly what the store's read gives:
`services.app_context.load_context` (team, current sprint, me) and
`services.board.board` (lanes, counts, points, reps): the statements below
mirror theirs, `tests/store/test_first_read.py` holds them equal. Anything
this read cannot be sure of (a URL it does not parse exactly as the store
would, a missing file, an unknown or inactive login, a login the connection
may not act as, an old schema, a server that does not answer) answers None,
and the app starts as it always did.

On PostgreSQL the connection is the store's: the same libpq parameters
(`store.db.LinkSettings`: keepalives, timeouts, the URL's own query), the
same login, so row-level security shows it exactly the rows the store's
read would see; who acts is decided as `store.roles.Identity.acting_login`
does (a privileged session acts as `--as`, anyone else as themselves).
The tests hold the parameters and role names equal to the store's.

The values are plain frozen dataclasses whose fields are those of the
`domain.values` views (`TeamView`, `SprintView`, `MemberView`,
`SprintItemView`), so the caller builds the views from them with `**fields`.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

LANE_WINDOW = 60
"""Cards a lane shows first: `services.board.LANE_WINDOW` (a test keeps them equal)."""
LANES = ("todo", "doing", "done")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class FirstCard:
    """A card as `services.sprints.item_views` makes it (the fields of `SprintItemView`)."""

    id: int
    sprint_number: int
    item_type: str
    item_id: int
    title: str
    owner: str
    owner_name: str
    points: int
    status: str
    added_after_start: bool
    removed: bool
    outcome: str | None
    value: Decimal | None
    account: str | None
    kind: str | None
    version: int
    deleted: bool = False


@dataclass(frozen=True)
class FirstLane:
    status: str
    cards: list[FirstCard]
    count: int
    points: int
    more: bool


@dataclass(frozen=True)
class FirstBoard:
    """What `services.board.board(store, login)` answers (everyone's cards)."""

    sprint_number: int | None
    lanes: dict[str, FirstLane]
    reps: list[tuple[str, str]]


@dataclass(frozen=True)
class FirstRead:
    """The header's context (fields of TeamView, SprintView, MemberView) and, when asked, the board."""

    url: str
    login: str
    team: dict[str, Any]
    sprint: dict[str, Any] | None
    me: dict[str, Any]
    board: FirstBoard | None = field(default=None)


def sqlite_file(url: str) -> Path | None:
    """The SQLite file of a plain URL or path (None for anything else, or anything unusual)."""
    raw = url.strip()
    if "://" not in raw:
        path = Path(raw).expanduser() if raw else None
    elif raw.startswith("sqlite:///") and not any(c in raw for c in "?%#"):
        rest = raw.removeprefix("sqlite:///")
        path = Path(rest).expanduser() if rest and rest != ":memory:" else None
    else:
        return None
    return path if path is not None and path.is_file() else None


OWN_KEYS = ("statement_timeout", "answer_margin", "heartbeat")
TCP_DEFAULTS = {
    "connect_timeout": 5,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
"""`store.db.LinkSettings`' defaults (a test keeps them equal)."""
STATEMENT_TIMEOUT = 15.0


def pg_connect_params(url: str) -> dict[str, Any] | None:
    """psycopg's connect() keywords for a PostgreSQL URL, as the store's engine
    passes them (`LinkSettings.connect_args`); None for anything unusual."""
    raw = url.strip()
    scheme, sep, _rest = raw.partition("://")
    if not sep or scheme not in ("postgresql", "postgresql+psycopg") or any(c in raw for c in "%[],#"):
        return None
    parts = urlsplit(raw)
    database = parts.path.removeprefix("/")
    if not database or "/" in database:
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    if len({k for k, _v in query}) != len(query):
        return None
    given = dict(query)
    timeout = STATEMENT_TIMEOUT
    args: dict[str, Any] = {"keepalives": 1, **TCP_DEFAULTS}
    try:
        for key in (*OWN_KEYS, *TCP_DEFAULTS):
            if key in given:
                number = float(given[key]) if key in OWN_KEYS else int(given[key])
                if number <= 0:
                    return None
                if key == "statement_timeout":
                    timeout = number
        port = parts.port
    except ValueError:
        return None
    args.update({k: v for k, v in given.items() if k not in OWN_KEYS})  # as given, as the store passes them
    ms = max(1, round(timeout * 1000))
    ours = f"-c statement_timeout={ms} -c idle_in_transaction_session_timeout={ms}"
    args["options"] = f"{ours} {given['options']}" if given.get("options") else ours
    params: dict[str, Any] = {"dbname": database}
    if parts.hostname:
        params["host"] = parts.hostname
    if port:
        params["port"] = port
    if parts.username:
        params["user"] = parts.username
    if parts.password is not None:
        params["password"] = parts.password
    return {**params, **args}


def owner_role(database: str) -> str:
    """`store.roles.role_names(database).owner` (a test keeps them equal)."""
    slug = re.sub(r"[^a-z0-9]+", "_", database.lower()).strip("_")[:30] or "db"
    digest = hashlib.sha1(database.encode("utf-8")).hexdigest()[:6]
    return f"ss_{slug}_{digest}_owner"


_WHO = """
SELECT session_user,
       r.rolsuper OR d.datdba = r.oid
         OR EXISTS (SELECT 1 FROM pg_roles o WHERE o.rolname = %s AND pg_has_role(session_user, o.oid, 'MEMBER'))
FROM pg_roles r, pg_database d
WHERE r.rolname = session_user AND d.datname = current_database()
"""


def first_read(url: str, login: str | None, *, board: bool, any_role: bool = False) -> FirstRead | None:
    """The header's context for `login` on the store at `url`, and the board of
    the current sprint when `board`, it is active and (unless `any_role`) I am
    no rep (a rep opens on Today): None when this read cannot answer as the store would."""
    if url.strip().startswith("postgresql"):
        return _first_read_pg(url, login, board, any_role)
    path = sqlite_file(url)
    if path is None or not login:
        return None
    try:
        conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only=ON")
        conn.execute("BEGIN")  # one snapshot for every statement
        return _read(_Sqlite(conn), url, login, board, any_role)
    except (sqlite3.Error, ValueError, TypeError):
        return None  # an old or foreign schema: the store's own open says what is wrong
    finally:
        conn.close()


def _first_read_pg(url: str, login: str | None, board: bool, any_role: bool) -> FirstRead | None:
    params = pg_connect_params(url)
    if params is None:
        return None
    import psycopg

    try:
        with psycopg.connect(**params) as conn:
            conn.read_only = True
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot for every statement
            database = conn.execute("SELECT current_database()").fetchone()
            who = conn.execute(_WHO, (owner_role(str(database[0]) if database else ""),)).fetchone()
            if who is None:
                return None
            user, privileged = str(who[0]), bool(who[1])
            if privileged:
                acting = login  # as Identity.acting_login: the one who set the store up says whom
            else:
                acting = user if login is None or login == user else None
            if acting is None:
                return None  # the store's open explains (or refuses)
            return _read(_Postgres(conn), url, acting, board, any_role)
    except (psycopg.Error, ValueError, TypeError, OSError):
        return None


class _Sqlite:
    """Statements for SQLite: `?` placeholders, money in whole cents."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, params).fetchall()

    def id_list(self, ids: list[int]) -> tuple[str, list[Any]]:
        return "IN ({})".format(",".join("?" * len(ids))), list(ids)

    @staticmethod
    def money(cents: Any) -> Decimal | None:
        return None if cents is None else (Decimal(int(cents)) / 100).quantize(CENT)


class _Postgres:
    """Statements for psycopg: `%s` placeholders, money as NUMERIC."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def rows(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        return list(self.conn.execute(sql.replace("?", "%s"), params).fetchall())

    def id_list(self, ids: list[int]) -> tuple[str, list[Any]]:
        return "= ANY(?)", [list(ids)]

    @staticmethod
    def money(value: Any) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(CENT)


_Db = _Sqlite | _Postgres


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


_ME = """
SELECT m.id, m.login, m.name, m.role, m.sales_role, m.territory, m.started_on, m.active, m.team_id,
       t.name, t.currency, t.timezone, t.week_start, t.sprint_weeks, t.rotting_days, t.wip_todo, t.wip_doing
FROM members m JOIN teams t ON t.id = m.team_id
WHERE m.login = ?
"""
_STAGES = "SELECT id, name, position, probability, kind FROM stages WHERE team_id = ? ORDER BY position"
_SPRINT = """
SELECT id, number, goal, starts_on, ends_on, state, version FROM sprints
WHERE team_id = ? AND state IN ('active', 'planned')
ORDER BY CASE state WHEN 'active' THEN 0 ELSE 1 END, number LIMIT 1
"""
_GROUPS = """
SELECT coalesce(t.status, i.status), m.login, m.name, count(*), coalesce(sum(i.points), 0)
FROM sprint_items i JOIN members m ON m.id = i.member_id LEFT JOIN tasks t ON t.id = i.task_id
WHERE i.sprint_id = ? AND i.removed_at IS NULL
GROUP BY coalesce(t.status, i.status), m.login, m.name
"""
_WINDOW = """
SELECT i.id FROM sprint_items i LEFT JOIN tasks t ON t.id = i.task_id
WHERE i.sprint_id = ? AND i.removed_at IS NULL AND coalesce(t.status, i.status) = ?
ORDER BY i.id LIMIT ?
"""
_CARDS = """
SELECT i.id, i.item_type, i.item_ref, i.task_id, i.deal_id, i.title, i.points, i.status,
       i.added_after_start, i.removed_at, i.outcome, i.version,
       m.login, m.name, t.title, t.kind, t.status, d.title, d.value, a.name
FROM sprint_items i JOIN members m ON m.id = i.member_id
LEFT JOIN tasks t ON t.id = i.task_id LEFT JOIN deals d ON d.id = i.deal_id
LEFT JOIN accounts a ON a.id = d.account_id
WHERE i.id {ids} ORDER BY i.id
"""


def _read(db: _Db, url: str, login: str, want_board: bool, any_role: bool) -> FirstRead | None:
    found = db.rows(_ME, (login,))
    row = found[0] if found else None
    if row is None or not row[7]:
        return None  # not a member, or no longer active: the store's read says so
    me = {
        "id": row[0],
        "login": row[1],
        "name": row[2],
        "role": row[3],
        "sales_role": row[4],
        "territory": row[5],
        "started_on": _day(row[6]),
        "active": bool(row[7]),
    }
    team_id = row[8]
    stages = [
        {"id": s[0], "name": s[1], "position": s[2], "probability": s[3], "kind": s[4]}
        for s in db.rows(_STAGES, (team_id,))
    ]
    team = {
        "id": team_id,
        "name": row[9],
        "currency": row[10],
        "timezone": row[11],
        "week_start": row[12],
        "sprint_weeks": row[13],
        "rotting_days": row[14],
        "wip_todo": row[15],
        "wip_doing": row[16],
        "stages": stages,
    }
    sprints = db.rows(_SPRINT, (team_id,))
    s = sprints[0] if sprints else None
    sprint = (
        None
        if s is None
        else {
            "id": s[0],
            "number": s[1],
            "goal": s[2],
            "starts_on": _day(s[3]),
            "ends_on": _day(s[4]),
            "state": s[5],
            "version": s[6],
        }
    )
    board = None
    if want_board and (any_role or me["role"] != "rep") and sprint is not None and sprint["state"] == "active":
        board = _board(db, sprint)
    return FirstRead(url, login, team, sprint, me, board)


def _board(db: _Db, sprint: dict[str, Any]) -> FirstBoard:
    counts: dict[str, int] = {}
    points: dict[str, int] = {}
    reps: set[tuple[str, str]] = set()
    for lane, owner, name, n, pts in db.rows(_GROUPS, (sprint["id"],)):
        reps.add((name, owner))
        counts[str(lane)] = counts.get(str(lane), 0) + int(n)
        points[str(lane)] = points.get(str(lane), 0) + int(pts)
    ids: dict[str, list[int]] = {}
    for lane in LANES:
        if counts.get(lane):
            found = db.rows(_WINDOW, (sprint["id"], lane, LANE_WINDOW + 1))
            ids[lane] = [r[0] for r in found]
    wanted = [i for found in ids.values() for i in found[:LANE_WINDOW]]
    cards = {c.id: c for c in _cards(db, sprint, wanted)}
    lanes = {}
    for lane in LANES:
        found = ids.get(lane, [])
        lanes[lane] = FirstLane(
            lane,
            [cards[i] for i in found[:LANE_WINDOW]],
            counts.get(lane, 0),
            points.get(lane, 0),
            len(found) > LANE_WINDOW,
        )
    return FirstBoard(sprint["number"], lanes, sorted(reps))


def _cards(db: _Db, sprint: dict[str, Any], ids: list[int]) -> list[FirstCard]:
    """As `services.sprints.item_views` (an active sprint's cards, none removed)."""
    if not ids:
        return []
    out = []
    where, params = db.id_list(ids)
    for row in db.rows(_CARDS.format(ids=where), params):
        (card_id, item_type, item_ref, task_id, deal_id, title, pts, status, after_start, removed_at) = row[:10]
        outcome, version, owner, owner_name, t_title, t_kind, t_status, d_title, d_value, account = row[10:]
        is_task = item_type == "task"
        deleted = task_id is None and deal_id is None
        shown = ((t_status if sprint["state"] != "closed" and not deleted else status) if is_task else status) or status
        if removed_at is not None:
            shown = "removed"
        out.append(
            FirstCard(
                id=card_id,
                sprint_number=sprint["number"],
                item_type="task" if is_task else "deal",
                item_id=item_ref,
                deleted=deleted,
                title=(t_title if is_task else d_title) or title or "",
                owner=owner,
                owner_name=owner_name,
                points=pts,
                status=shown,
                added_after_start=bool(after_start),
                removed=removed_at is not None,
                outcome=outcome,
                value=None if is_task else db.money(d_value),
                account=None if is_task else account,
                kind=t_kind if is_task else "deal",
                version=version,
            )
        )
    return out
