"""Engine, sessions and schema state for one store (SQLite or PostgreSQL).

`Store` is the handle the services hold. It validates the URL, turns on
SQLite's foreign keys and WAL, and knows whether the schema is current.
Driver errors become `StoreUnavailable` with a message that says what to do
and never shows a password.

A PostgreSQL link that stalls (not closed: a dead Wi-Fi, a paused VPN, a
frozen proxy) must not hang the app nor commit a write long after the user
gave up on it. `LinkSettings` sets, on every connection: a connect timeout,
TCP keepalives and a TCP user timeout (the kernel drops a link whose data
goes unacknowledged), a server-side `statement_timeout` and
`idle_in_transaction_session_timeout` (the server rolls back a transaction
whose client stopped talking), and a client-side answer deadline: a round
trip that gets no answer within it closes the connection and fails. The
deadline is longer than the server's idle timeout, so by the time a stalled
COMMIT is given up on, the server has already rolled the transaction back,
and the COMMIT, should it arrive later, finds no session to commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from salessprint.domain.errors import StoreUnavailable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

SUPPORTED = ("sqlite", "postgresql")

_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b.*$", re.MULTILINE)


@cache
def schema_head() -> str:
    """The newest migration's revision, read from the migration files' `revision`
    and `down_revision` lines: the one revision no other revises. Every command
    compares the store's `alembic_version` with it by plain SQL, so Alembic
    (~0.1 s to import) loads only to upgrade or on a mismatch."""
    revised: set[str] = set()
    revisions: set[str] = set()
    for source in (files("salessprint.store") / "migrations" / "versions").iterdir():
        if not source.name.endswith(".py"):
            continue
        code = source.read_text(encoding="utf-8")
        found = _REVISION.search(code)
        if found is None:
            continue
        revisions.add(found.group(1))
        for line in _DOWN_REVISION.findall(code):
            revised.update(re.findall(r'"([^"]+)"', line))
    heads = revisions - revised
    if len(heads) != 1:
        raise RuntimeError(f"the migrations should have one head, not {sorted(heads)}")
    return heads.pop()


def parse_url(raw: str) -> URL:
    """Validate a database URL; a bare path means an SQLite file."""
    raw = raw.strip()
    if not raw:
        raise StoreUnavailable("The database URL is empty.")
    if "://" not in raw:
        raw = f"sqlite:///{Path(raw).expanduser()}"
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise StoreUnavailable(
            "The database URL is malformed; use a file path, sqlite:///FILE or postgresql+psycopg://USER@HOST/DBNAME."
        ) from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED:
        raise StoreUnavailable(f"salessprint stores data in SQLite or PostgreSQL, not '{backend}'.")
    if backend == "postgresql" and url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")
    return url


def safe_url(url: URL) -> str:
    """The URL as it may be shown: never with its password."""
    return url.render_as_string(hide_password=True)


BUSY = frozenset({"40P01", "40001", "55P03"})
"""SQLSTATEs of a server that answered but could not finish in time: a
deadlock, a serialization failure, a lock not available. A use case under
`@retrying` (services/uow.py) runs again; none of them means the server is
unreachable."""

STORE_BUSY = "The store is busy; try again."


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE PostgreSQL gave for this failure (None: no answer, or SQLite)."""
    code = getattr(getattr(exc, "orig", exc), "sqlstate", None)
    return code if isinstance(code, str) else None


def describe_failure(url: URL, exc: BaseException) -> str:
    """A one-line explanation of a failure to use the store, password-free.
    "Cannot reach" is said only when the server did not answer: a server
    that answers with a SQLSTATE of its own was reached."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    where = safe_url(url)
    if url.get_backend_name() == "sqlite":
        if "locked" in text or "busy" in text:
            return f"{STORE_BUSY} (Another salessprint is writing to it.)"
        return f"Cannot open the database file {url.database}: check the folder exists and is writable."
    code = sqlstate(exc)
    if code in BUSY or code == "57014":  # 57014: a statement that ran out of time
        return STORE_BUSY
    if NO_CONFIRM in text:
        # The server rolls back a transaction whose COMMIT it never got
        # (idle-in-transaction timeout, shorter than our wait), so the save
        # is lost unless the COMMIT got through and only the answer stalled.
        return (
            f"The database at {where} stopped answering while confirming the save (the link looks stalled): "
            "it was not saved, unless the server got it just before the stall. Check once it is back."
        )
    if NO_ANSWER in text or "idle-in-transaction timeout" in text:
        return (
            f"The database at {where} stopped answering (the link looks stalled); "
            "nothing was saved. Try again when it is back."
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return f"PostgreSQL refused the user name or password for {where}."
    if "does not exist" in text and "database" in text:
        return (
            f"The database {url.database!r} does not exist on {url.host}; "
            "create it (createdb) and run 'salessprint db upgrade'."
        )
    if "role" in text and "does not exist" in text:
        return f"PostgreSQL has no user {url.username!r} on {url.host}."
    if code is not None and not code.startswith(("08", "57P")):  # 08: connection, 57P: shutting down
        return f"The database at {where} refused the request (SQLSTATE {code}); try again, or ask your admin."
    return f"Cannot reach the database at {where}: is the server running and the host and port right?"


@dataclass(frozen=True)
class LinkSettings:
    """How long a PostgreSQL link may stay silent before it counts as lost.

    Defaults suit a team on one network; each can be set in the database
    URL's query string (`?statement_timeout=30&connect_timeout=10`): the libpq
    names for the TCP ones, seconds for `statement_timeout` (salessprint's
    own key, also the idle-in-transaction limit), `answer_margin` and
    `heartbeat`."""

    connect_timeout: int = 5
    """Seconds to open a connection, login included (libpq `connect_timeout`)."""
    keepalives_idle: int = 10
    """Seconds of silence before TCP starts probing an idle connection."""
    keepalives_interval: int = 3
    """Seconds between TCP keepalive probes."""
    keepalives_count: int = 3
    """Unanswered probes before the kernel drops the connection."""
    tcp_user_timeout: int = 10_000
    """Milliseconds that sent data may stay unacknowledged before the kernel drops the connection."""
    statement_timeout: float = 15.0
    """Seconds a statement may run on the server, and a transaction may sit
    idle there waiting for its client, before the server gives up on it
    (rolling the transaction back)."""
    answer_margin: float = 2.0
    """Seconds beyond `statement_timeout` that the client waits for any answer."""
    heartbeat: float = 2.0
    """Seconds the live refresh waits for its heartbeat's answer before the app shows Offline."""

    OWN_KEYS = ("statement_timeout", "answer_margin", "heartbeat")
    TCP_KEYS = ("connect_timeout", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout")

    @property
    def answer_within(self) -> float:
        """Seconds the client waits for the server's answer to one round trip."""
        return self.statement_timeout + self.answer_margin

    @classmethod
    def from_url(cls, url: URL) -> LinkSettings:
        """The defaults, with what the URL's query string sets."""
        given: dict[str, Any] = {}
        for key in (*cls.OWN_KEYS, *cls.TCP_KEYS):
            raw = url.query.get(key)
            if raw is None:
                continue
            text = raw if isinstance(raw, str) else raw[-1]
            try:
                number = float(text) if key in cls.OWN_KEYS else int(text)
            except ValueError:
                raise StoreUnavailable(f"The database URL's {key} must be a number, not {text!r}.") from None
            if number <= 0:
                raise StoreUnavailable(f"The database URL's {key} must be more than 0.")
            given[key] = number
        return replace(cls(), **given)

    def connect_args(self, query: Any) -> dict[str, Any]:
        """libpq parameters for a connection (what the URL sets itself is left to it)."""
        args: dict[str, Any] = {"keepalives": 1}
        args.update({key: getattr(self, key) for key in self.TCP_KEYS})
        args.update({k: v for k, v in query.items() if k not in self.OWN_KEYS})
        ms = max(1, round(self.statement_timeout * 1000))
        # Ours first, so a URL's own `options=-c statement_timeout=...` wins.
        ours = f"-c statement_timeout={ms} -c idle_in_transaction_session_timeout={ms}"
        given = args.get("options")
        args["options"] = f"{ours} {given}" if isinstance(given, str) and given else ours
        return args


NO_ANSWER = "the database did not answer in time"
"""What a connection that gave up on its server says (describe_failure turns it into the user's sentence)."""
NO_CONFIRM = "the database did not confirm the commit in time"
"""The same, for a COMMIT: the one statement whose fate a stall can leave unknown (sent, and maybe received)."""


@cache
def answering_connection() -> type[Any]:
    """psycopg's connection class, with an answer deadline on every round trip.

    psycopg funnels every blocking exchange (query, fetch, commit, rollback)
    through `Connection.wait`, which accepts a timeout; a deadline that
    expires leaves the protocol state unknown, so the connection is closed
    and the caller gets an OperationalError (SQLAlchemy then discards it).
    Built on first use: SQLite commands never import psycopg."""
    import psycopg
    from psycopg import errors

    class AnsweringConnection(psycopg.Connection[Any]):
        answer_within: float | None = None
        """Seconds to wait for the server (None: as long as it takes)."""

        committing = False
        """True while a COMMIT waits for its answer."""

        def commit(self) -> None:
            self.committing = True
            try:
                super().commit()
            finally:
                self.committing = False

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            if timeout is not None or self.answer_within is None:
                return super().wait(gen, interval=interval, timeout=timeout)
            try:
                return super().wait(gen, interval=interval, timeout=self.answer_within)
            except errors._WaitTimeout:  # psycopg's own deadline signal (3.2+)
                self.pgconn.finish()
                said = NO_CONFIRM if self.committing else NO_ANSWER
                raise psycopg.OperationalError(f"{said} ({self.answer_within:g} s)") from None

    return AnsweringConnection


SQLITE_HEADER = b"SQLite format 3\x00"


def _refuse_foreign_file(path: Path) -> None:
    """A folder, or a file that is not an SQLite database (a text file, a CSV
    given to --db by mistake), is refused before SQLite is asked to open it."""
    if path.is_dir():
        raise StoreUnavailable(f"{path} is a folder, not a salessprint store: give --db a file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreUnavailable(f"Cannot read the store {path}: {exc.strerror or exc}.") from None
    if header and header != SQLITE_HEADER:
        raise StoreUnavailable(f"{path} is not a salessprint store (it is not an SQLite database): check --db.")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" hook below open transactions itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


WRITE_LOCK = "salessprint_write_lock"


def _sqlite_begin(conn: Any) -> None:
    """A unit of work takes SQLite's write lock up front, so two writers queue
    (busy_timeout) instead of one failing when both upgrade a read lock.
    Other connections (schema checks, plain reads) begin deferred."""
    if conn.get_execution_options().get(WRITE_LOCK):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@dataclass
class SchemaState:
    current: str | None
    head: str

    @property
    def empty(self) -> bool:
        return self.current is None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Store:
    """One database: its engine, a session factory and its schema state."""

    def __init__(self, url: str | URL, *, echo: bool = False) -> None:
        self.url = url if isinstance(url, URL) else parse_url(url)
        self.link = LinkSettings.from_url(self.url) if self.backend == "postgresql" else LinkSettings()
        """Timeouts of a PostgreSQL link (see LinkSettings)."""
        self.offline: str | None = None
        """Why the store counts as unreachable right now (None: it answers).
        The app's live refresh sets it; while set, a write is refused at
        once (services/uow.py) instead of waiting on a dead link."""
        kwargs: dict[str, Any] = {"echo": echo}
        engine_url = self.url
        if self.backend == "sqlite":
            if self.file is not None:
                _refuse_foreign_file(self.file)
            kwargs["connect_args"] = {"timeout": 10}
        else:
            kwargs["pool_pre_ping"] = True
            engine_url = self.url.difference_update_query(LinkSettings.OWN_KEYS)
            kwargs["connect_args"] = self.link.connect_args(engine_url.query)
        self.engine: Engine = create_engine(engine_url, **kwargs)
        if self.backend == "postgresql":
            event.listen(self.engine, "do_connect", self._connect_answering)
            self._dialect_ping = self.engine.dialect.do_ping
            self.engine.dialect.do_ping = self._ping  # type: ignore[method-assign,assignment]  # this engine's own dialect
        if self.backend == "sqlite":
            event.listen(self.engine, "do_connect", self._make_folder)
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions: sessionmaker[Session] | None = None
        """Made on the first `session()`: the command line's hot writes use
        Core connections only (services/core_write.py) and never import the ORM."""

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def file(self) -> Path | None:
        """The SQLite file (None for PostgreSQL or an in-memory store)."""
        if self.backend != "sqlite" or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database).expanduser()

    def _make_folder(self, *_connect_args: Any) -> None:
        """Before SQLite creates the file: its folder. Only a connection makes
        them, and a read command checks that the file exists first, so a
        mistyped --db on a read creates nothing."""
        if self.file is not None and not self.file.parent.exists():
            self.file.parent.mkdir(parents=True, exist_ok=True)

    def _connect_answering(self, _dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        """Open a PostgreSQL connection that waits at most `link.answer_within` for any answer."""
        conn = answering_connection().connect(*cargs, **cparams)
        conn.answer_within = self.link.answer_within
        return conn

    def _ping(self, dbapi_conn: Any) -> bool:
        """The pool's pre-ping (a pooled connection proves it reaches the
        server before it is lent out), answered within `link.heartbeat`: on
        a stalled link it waited forever. A failed ping makes the pool drop
        its connections and open a fresh one."""
        saved, dbapi_conn.answer_within = dbapi_conn.answer_within, self.link.heartbeat
        try:
            return bool(self._dialect_ping(dbapi_conn))
        finally:
            dbapi_conn.answer_within = saved

    @contextmanager
    def without_deadlines(self, conn: Connection) -> Iterator[None]:
        """Inside `conn`'s open transaction: no statement or idle timeout on the
        server and no answer deadline here, for admin work that may rightly
        take long (migrations: an index on a big table, waiting for another
        upgrade's lock). The server's settings revert when the transaction
        ends (SET LOCAL); the deadline when the block does."""
        if self.backend != "postgresql":
            yield
            return
        conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
        driver = conn.connection.driver_connection
        saved, driver.answer_within = driver.answer_within, None  # type: ignore[union-attr]
        try:
            yield
        finally:
            driver.answer_within = saved  # type: ignore[union-attr]

    def raw_connection(self, *, answer_within: float, **params: Any) -> Any:
        """A psycopg connection of its own (the change feed's LISTEN), with the
        link's settings and the given answer deadline."""
        url = self.url
        args = self.link.connect_args(url.difference_update_query(LinkSettings.OWN_KEYS).query)
        args.update(params)
        conn = answering_connection().connect(  # psycopg's errors pass: the caller maps them
            host=url.host or "localhost",
            port=url.port or 5432,
            user=url.username,
            password=url.password,
            dbname=url.database,
            **args,
        )
        conn.answer_within = answer_within
        return conn

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose driver errors become StoreUnavailable."""
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            with self._sessions() as session:
                yield session
        except OperationalError as exc:
            raise StoreUnavailable(describe_failure(self.url, exc)) from None

    def check_connection(self) -> None:
        try:
            with self.engine.connect():
                pass
        except SQLAlchemyError as exc:
            raise StoreUnavailable(describe_failure(self.url, exc)) from None

    # -- schema -----------------------------------------------------------
    def alembic_config(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(files("salessprint.store") / "migrations"))
        cfg.attributes["store"] = self
        return cfg

    def schema_state(self) -> SchemaState:
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
        assert head is not None
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("alembic_version"):
                    current = None
                else:
                    current = MigrationContext.configure(conn).get_current_revision()
        except SQLAlchemyError as exc:
            raise StoreUnavailable(describe_failure(self.url, exc)) from None
        return SchemaState(current=current, head=head)

    def current_revision(self) -> str | None:
        """The store's schema revision read with plain SQL (None: no schema yet)."""
        if self.backend == "sqlite":
            exists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        else:
            exists = "SELECT count(*) FROM (SELECT to_regclass('alembic_version') AS t) AS r WHERE t IS NOT NULL"
        try:
            with self.engine.connect() as conn:
                if not conn.exec_driver_sql(exists).scalar():
                    return None
                return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except SQLAlchemyError as exc:
            raise StoreUnavailable(describe_failure(self.url, exc)) from None

    def upgrade(self) -> list[str]:
        """Bring the schema to the newest revision (creates it when empty).
        On PostgreSQL the store's roles are set up too (store/roles.py);
        returns what that did, in lines for the user."""
        from alembic import command

        cfg = self.alembic_config()
        try:
            command.upgrade(cfg, "head")
        except OperationalError as exc:
            raise StoreUnavailable(describe_failure(self.url, exc)) from None
        report: list[str] = cfg.attributes.get("roles_report", [])
        return report

    def require_current_schema(self) -> None:
        if self.file is not None and not self.file.exists():
            raise StoreUnavailable(
                f"There is no salessprint store at {self.file}: check --db, or create one with "
                "'salessprint init', 'salessprint demo' or 'salessprint restore'."
            )
        current = self.current_revision()
        if current == schema_head():
            return
        # Empty or older: ask Alembic (slow import, rare path).
        state = self.schema_state() if current is not None else SchemaState(current=None, head=schema_head())
        if state.empty:
            raise StoreUnavailable(
                f"The database {self.display_url} has no salessprint data yet: run "
                "'salessprint init', 'salessprint demo' or 'salessprint restore' first."
            )
        if not state.up_to_date:
            raise StoreUnavailable(
                f"The database {self.display_url} uses an older schema: run 'salessprint db upgrade'."
            )

    def dispose(self) -> None:
        self.engine.dispose()


def reset_schema(store: Store) -> None:
    """Drop every salessprint table (and Alembic's), then build the schema anew."""
    from sqlalchemy import text

    from salessprint.store.models import Base

    with store.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    store.upgrade()
