"""Engine, sessions and schema state for one store (SQLite or PostgreSQL).

`Store` is the handle the services hold. It validates the URL, turns on
SQLite's foreign keys and WAL, and knows whether the schema is current.
Driver errors become `StoreUnavailable` with a message that says what to do
and never shows a password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from salessprint.domain.errors import StoreUnavailable

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
        kwargs: dict[str, Any] = {"echo": echo}
        if self.backend == "sqlite":
            if self.file is not None:
                _refuse_foreign_file(self.file)
            kwargs["connect_args"] = {"timeout": 10}
        else:
            kwargs["pool_pre_ping"] = True
            kwargs["connect_args"] = {"connect_timeout": 5}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine, "do_connect", self._make_folder)
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

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

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose driver errors become StoreUnavailable."""
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
