"""Export a whole team as versioned JSON, restore it into an empty store, and
export its tables as CSV for spreadsheets.

The backup format (version 1)
-----------------------------
One UTF-8 JSON object, keys sorted, one table row per line, ending in a
newline:

    {
     "about": "salessprint backup: ...",
     "format": "salessprint-backup",
     "schema": "<alembic revision of the store it came from>",
     "tables": {
      "<table>": {
       "columns": ["id", ...],
       "rows": [
        [1, ...],
        ...
       ]
      },
      ...
     },
     "team": "<team name>",
     "version": 1
    }

Every table of the data model is present (teams, stages, members, targets,
accounts, deals, deal_collaborators, deal_events, tasks, sprints,
sprint_items, activities, retro_entries, retro_votes, notes,
forecast_snapshots, time_off, changes, deal_archive), its
rows ordered by primary key, each row a list in `columns` order. Values:
money as a string with two decimals ("1234.50"), dates as "YYYY-MM-DD",
times as ISO 8601 in UTC with offset ("2026-11-26T10:30:00+00:00"), booleans
as true/false, the change log's before/after as JSON objects, text exactly as
stored (any Unicode). Ids are kept, so references between tables hold.

The same store gives the same bytes: nothing in the file depends on when or
where it was written. export -> restore -> export gives identical bytes on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy import column as sa_column
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import table as sa_table
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from salessprint.domain.enums import Role
from salessprint.domain.errors import Conflict, InvalidInput, PermissionDenied, StoreUnavailable
from salessprint.domain.text import csv_cell
from salessprint.domain.values import Value
from salessprint.services.uow import UnitOfWork, unit_of_work
from salessprint.store import roles
from salessprint.store.codec import column_from_json, column_to_json
from salessprint.store.db import Store, describe_failure, schema_head
from salessprint.store.models import (
    Account,
    Activity,
    Base,
    Change,
    Deal,
    DealArchive,
    DealCollaborator,
    DealEvent,
    ForecastSnapshot,
    Member,
    Note,
    RetroEntry,
    RetroVote,
    Sprint,
    SprintItem,
    Stage,
    Target,
    Task,
    Team,
    TimeOff,
)
from salessprint.store.replace import building, foreign_tables, kill_point

FORMAT = "salessprint-backup"
VERSION = 1
ABOUT = (
    "salessprint backup: the whole team, table by table; see salessprint.services.backup "
    "for the format. Restore with 'salessprint restore FILE' into an empty store."
)
MODELS: tuple[type[Base], ...] = (
    Team,
    Stage,
    Member,
    Target,
    Account,
    Deal,
    DealCollaborator,
    DealEvent,
    Task,
    Sprint,
    SprintItem,
    Activity,
    RetroEntry,
    RetroVote,
    Note,
    ForecastSnapshot,
    TimeOff,
    Change,
    DealArchive,
)
Progress = Callable[[int, int], None]
"""progress(done, total): rows written (or read) so far, for a progress bar."""
TABLES: dict[str, Table] = {m.__tablename__: Base.metadata.tables[m.__tablename__] for m in MODELS}


class BackupSummary(Value):
    """What an export or restore wrote: rows per table."""

    path: str
    team: str
    rows: dict[str, int]


# -- export ---------------------------------------------------------------
def _team_filters(team_id: int) -> dict[str, Any]:
    deals = select(Deal.id).where(Deal.team_id == team_id)
    members = select(Member.id).where(Member.team_id == team_id)
    sprints = select(Sprint.id).where(Sprint.team_id == team_id)
    entries = select(RetroEntry.id).where(RetroEntry.sprint_id.in_(sprints))
    return {
        "teams": Team.id == team_id,
        "stages": Stage.team_id == team_id,
        "members": Member.team_id == team_id,
        "targets": Target.member_id.in_(members),
        "accounts": Account.team_id == team_id,
        "deals": Deal.team_id == team_id,
        "deal_collaborators": DealCollaborator.deal_id.in_(deals),
        "deal_events": DealEvent.deal_id.in_(deals),
        "tasks": Task.team_id == team_id,
        "sprints": Sprint.team_id == team_id,
        "sprint_items": SprintItem.sprint_id.in_(sprints),
        "activities": Activity.team_id == team_id,
        "retro_entries": RetroEntry.sprint_id.in_(sprints),
        "retro_votes": RetroVote.entry_id.in_(entries),
        "notes": Note.team_id == team_id,
        "forecast_snapshots": ForecastSnapshot.team_id == team_id,
        "time_off": TimeOff.team_id == team_id,
        "changes": Change.team_id == team_id,
        "deal_archive": DealArchive.team_id == team_id,
    }


def _read_tables(session: Session, team_id: int, progress: Progress | None = None) -> dict[str, dict[str, Any]]:
    filters = _team_filters(team_id)
    tables: dict[str, dict[str, Any]] = {}
    total = done = 0
    if progress:
        total = sum(
            int(session.scalar(select(func.count()).select_from(t).where(filters[n])) or 0) for n, t in TABLES.items()
        )
        progress(0, total)
    for name, table in TABLES.items():
        columns = list(table.columns)
        order = list(table.primary_key.columns)
        rows = session.execute(select(*columns).where(filters[name]).order_by(*order)).all()
        tables[name] = {
            "columns": [c.name for c in columns],
            "rows": [[column_to_json(c, v) for c, v in zip(columns, row, strict=True)] for row in rows],
        }
        done += len(rows)
        if progress:
            progress(done, total)
    return tables


def _admin_team(uow: UnitOfWork) -> Team:
    if uow.actor.role not in (Role.MANAGER, Role.ADMIN):
        raise PermissionDenied(
            "Only a manager or admin may export the whole team (it includes the change log); "
            f"you are a {uow.actor.role}."
        )
    return uow.team()


def backup_document(store: Store, login: str, progress: Progress | None = None) -> dict[str, Any]:
    """The team's backup as a JSON-ready dict."""
    with unit_of_work(store, login) as uow:
        team = _admin_team(uow)
        tables = _read_tables(uow.session, team.id, progress)
        schema = store.schema_state().current
        return {
            "about": ABOUT,
            "format": FORMAT,
            "version": VERSION,
            "schema": schema,
            "team": team.name,
            "tables": tables,
        }


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "), allow_nan=False)


def dumps(document: dict[str, Any]) -> bytes:
    """The backup's bytes: keys sorted, one table row per line."""
    out = ["{\n"]
    keys = sorted(document)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        if key != "tables":
            out.append(f" {_json(key)}: {_json(document[key])}{comma}\n")
            continue
        out.append(' "tables": {\n')
        names = sorted(document["tables"])
        for j, name in enumerate(names):
            table = document["tables"][name]
            out.append(f'  {_json(name)}: {{\n   "columns": {_json(table["columns"])},\n   "rows": [')
            if table["rows"]:
                out.append("\n" + ",\n".join("    " + _json(row) for row in table["rows"]) + "\n   ]")
            else:
                out.append("]")
            out.append("\n  }" + ("," if j < len(names) - 1 else "") + "\n")
        out.append(" }" + comma + "\n")
    out.append("}\n")
    return "".join(out).encode("utf-8")


def export_json(store: Store, login: str, path: str | Path, progress: Progress | None = None) -> BackupSummary:
    """Write the team's backup to `path` (replaced atomically)."""
    document = backup_document(store, login, progress)
    target = Path(path)
    _write_bytes(target, dumps(document))
    return BackupSummary(
        path=str(target), team=document["team"], rows={n: len(t["rows"]) for n, t in document["tables"].items()}
    )


def _write_bytes(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        raise InvalidInput(f"Cannot write {target}: {exc.strerror or exc}.", field="file") from None


def neutralise(value: Any) -> str:
    """A CSV cell a spreadsheet will show, never run: formula-looking text
    ('=cmd|...', '+1+1', '@SUM(...)') gets a leading apostrophe, and control
    characters are drawn as symbols (domain/text.csv_cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return csv_cell(str(value))


def export_csv(store: Store, login: str, folder: str | Path, progress: Progress | None = None) -> BackupSummary:
    """One CSV per table (UTF-8 with BOM, for spreadsheets) in `folder`."""
    document = backup_document(store, login, progress)
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InvalidInput(f"{target} is a file; give a folder for the CSV files.", field="folder")
    for name, table in document["tables"].items():
        lines: list[list[str]] = [table["columns"], *([neutralise(v) for v in row] for row in table["rows"])]
        import io

        buffer = io.StringIO()
        csv.writer(buffer).writerows(lines)
        _write_bytes(target / f"{name}.csv", buffer.getvalue().encode("utf-8-sig"))
    return BackupSummary(
        path=str(target), team=document["team"], rows={n: len(t["rows"]) for n, t in document["tables"].items()}
    )


# -- restore --------------------------------------------------------------
def _problem(path: Path, message: str) -> InvalidInput:
    return InvalidInput(f"{path.name}: {message}", field="file")


class Backup(NamedTuple):
    schema: str
    """The schema revision of the store it came from."""
    rows: dict[str, list[dict[str, Any]]]
    """Rows per table, decoded; a backup from an older schema holds only the
    columns (and tables) that schema had."""
    tables: frozenset[str]
    """The tables the file holds."""


def load_backup(path: str | Path, known_revisions: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Read and check a backup file completely; rows per table, decoded."""
    return read_backup(path, known_revisions).rows


def read_backup(path: str | Path, known_revisions: set[str] | None = None) -> Backup:
    """Read and check a backup file completely. A backup written by an older
    salessprint (an older schema revision) may lack the tables and columns
    added since: `restore` builds that schema, puts the rows in, and runs the
    migrations after it, as an upgrade would have."""
    source = Path(path)
    try:
        raw = source.read_bytes()
    except OSError:
        raise _problem(source, "cannot be read: check the path.") from None
    if not raw.strip():
        raise _problem(source, "is empty; it is not a salessprint backup.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _problem(source, "is not UTF-8 text; it is not a salessprint backup.") from None
    except json.JSONDecodeError as exc:
        text = raw.decode("utf-8-sig", "replace").rstrip()
        rest = text[exc.pos :]
        # Cut off: the error is at the end, or what follows it is the start of
        # a value the file ends inside ("nul", "12.", a string never closed).
        cut = (
            exc.pos >= len(text) - 1
            or any(word.startswith(rest) for word in ("true", "false", "null"))
            or (exc.msg.startswith("Unterminated string") and "\n" not in rest)
        )
        what = "is cut off (incomplete JSON)" if cut else "is not valid JSON"
        raise _problem(source, f"{what} at line {exc.lineno}, column {exc.colno}; use a complete backup.") from None
    except RecursionError:
        raise _problem(source, "is nested too deeply; it is not a salessprint backup.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _problem(source, 'is not a salessprint backup (no "format": "salessprint-backup").')
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _problem(source, "has no format version; it is not a salessprint backup.")
    if version > VERSION:
        raise _problem(
            source,
            f"was written by a newer salessprint (backup format {version}; this one reads "
            f"up to {VERSION}). Upgrade salessprint, then restore.",
        )
    if version < 1:
        raise _problem(source, f"has an unknown backup format version {version}.")
    schema = document.get("schema")
    if known_revisions is not None and schema not in known_revisions:
        raise _problem(
            source, f"comes from a newer database schema ({str(schema)[:40]}); upgrade salessprint, then restore."
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise _problem(source, "has no tables.")
    older = isinstance(schema, str) and schema != schema_head()
    missing = [n for n in TABLES if n not in tables and not older]
    unknown = [n for n in tables if n not in TABLES]
    if unknown:
        raise _problem(
            source,
            f"has tables this salessprint does not know ({', '.join(map(str, unknown))[:200]}); "
            "it was written by a newer salessprint.",
        )
    if missing:
        raise _problem(source, f"lacks the tables {', '.join(missing)}; it is incomplete.")
    out: dict[str, list[dict[str, Any]]] = {}
    for name, table in TABLES.items():
        if name not in tables:  # added after the backup's (older) schema
            out[name] = []
            continue
        block = tables[name]
        if (
            not isinstance(block, dict)
            or not isinstance(block.get("columns"), list)
            or not isinstance(block.get("rows"), list)
        ):
            raise _problem(source, f'table {name} needs "columns" and "rows" lists.')
        columns = block["columns"]
        expected = [c.name for c in table.columns]
        if columns != expected:
            extra = [c for c in columns if c not in expected]
            if extra:
                raise _problem(
                    source,
                    f"table {name} has columns this salessprint does not know "
                    f"({', '.join(map(str, extra))[:200]}); it was written by a newer salessprint.",
                )
            if not older or len(set(columns)) != len(columns):
                raise _problem(source, f"table {name} should have the columns {', '.join(expected)}.")
        decoded: list[dict[str, Any]] = []
        keys: set[tuple[Any, ...]] = set()
        pk = [c.name for c in table.primary_key.columns]
        for number, row in enumerate(block["rows"], start=1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise _problem(source, f"table {name}, row {number}: should be a list of {len(columns)} values.")
            values: dict[str, Any] = {}
            for column, value in zip([table.c[c] for c in columns], row, strict=True):
                try:
                    values[column.name] = column_from_json(column, value)
                except ValueError as exc:
                    raise _problem(source, f"table {name}, row {number}: {column.name}: {exc}.") from None
                except ArithmeticError:  # a number too large for Decimal's context, such as "1e400"
                    shown = str(value)[:40]
                    raise _problem(
                        source, f"table {name}, row {number}: {column.name}: '{shown}' is out of range."
                    ) from None
            key = tuple(values[k] for k in pk)
            if key in keys:
                raise _problem(
                    source, f"table {name}, row {number}: the id {key[0] if len(key) == 1 else key} appears twice."
                )
            keys.add(key)
            decoded.append(values)
        out[name] = decoded
    if len(out["teams"]) != 1:
        raise _problem(source, f"should hold exactly one team, not {len(out['teams'])}.")
    return Backup(str(schema), out, frozenset(str(n) for n in tables))


def _known_revisions(store: Store) -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(store.alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def restore(store: Store, path: str | Path, progress: Progress | None = None) -> BackupSummary:
    """Restore a backup into an empty store (creating its schema); a store
    that already holds a team is refused. All or nothing, schema included
    (store/replace.py): on SQLite the store is built in a file beside it that
    replaces it when complete; on PostgreSQL schema and rows are one
    transaction. `progress(done, total)` hears of the rows as they go in.
    On PostgreSQL only the database's owner may run it (store/roles.py)."""
    roles.require_owner(store, "restoring a backup")
    backup = read_backup(path, _known_revisions(store))
    data = backup.rows
    older = backup.schema != schema_head()
    refuse_unless_empty(store, "restore")
    with building(store) as build:
        refuse_unless_empty(build, "restore")  # PostgreSQL: again, under the schema lock
        if older:
            # The schema the backup was written from, its rows, then the
            # migrations since, which fill what was added after it.
            from alembic import command

            command.upgrade(build.alembic_config(), backup.schema)
            with build.session() as probe:
                made = set(sa_inspect(probe.connection()).get_table_names())
            lacking = sorted(n for n in TABLES if n in made and n not in backup.tables)
            if lacking:
                raise _problem(Path(path), f"lacks the tables {', '.join(lacking)}; it is incomplete.")
        else:
            build.upgrade()
        kill_point("build:schema")
        _insert_all(build, data, Path(path).name, progress, as_written=older)
        if older:
            build.upgrade()
    team = data["teams"][0]["name"]
    return BackupSummary(path=str(path), team=team, rows={n: len(r) for n, r in data.items()})


def refuse_unless_empty(store: Store, what: str) -> None:
    """Refuse to build a whole store over one that holds a team, an older
    schema, or (SQLite) tables of another program. A missing file is empty,
    and looking does not create it."""
    if store.file is not None and not store.file.exists():
        return
    foreign = foreign_tables(store)
    if foreign:
        raise Conflict(
            f"{store.file} holds tables that are not salessprint's ({', '.join(foreign)[:200]}); "
            f"{what} only into an empty store (give a new --db)."
        )
    if store.current_revision() is None:
        return
    store.require_current_schema()
    with store.session() as probe:
        name = probe.scalar(select(Team.name).limit(1))
    if name is not None:
        raise Conflict(
            f"This store already holds the team '{name}'; {what} only into an empty store (give a new --db)."
        )


def _written(table: Table, rows: list[dict[str, Any]]) -> Any:
    """The table with only the columns the backup holds (no defaults of
    columns added since), typed as today's table types them."""
    names = list(rows[0]) if rows else [c.name for c in table.columns]
    return sa_table(table.name, *[sa_column(n, table.c[n].type) for n in names])


def _insert_all(
    store: Store,
    data: dict[str, list[dict[str, Any]]],
    path_name: str,
    progress: Progress | None = None,
    *,
    as_written: bool = False,
) -> None:
    """Insert every row; `as_written`: a backup of an older schema, whose
    tables have only some of today's columns (and its store only some tables)."""
    total = sum(len(rows) for rows in data.values())
    done = 0
    if progress:
        progress(0, total)
    try:
        with unit_of_work(store, None, need_actor=False) as uow:
            s = uow.session
            for name, full in TABLES.items():
                rows = data[name]
                if as_written and not rows:
                    continue  # perhaps a table added since: the migrations make it
                table = _written(full, rows) if as_written else full
                if name == "members":
                    managers = [{"b_id": r["id"], "b_manager": r["manager_id"]} for r in rows if r["manager_id"]]
                    rows = [{**r, "manager_id": None} for r in rows]
                for start in range(0, len(rows), 5000):
                    s.execute(insert(table), rows[start : start + 5000])
                    done += len(rows[start : start + 5000])
                    if progress:
                        progress(done, total)
                    if done * 2 >= total:
                        kill_point("build:data")
                if name == "members" and managers:
                    from sqlalchemy import bindparam

                    s.execute(
                        update(table).where(table.c.id == bindparam("b_id")).values(manager_id=bindparam("b_manager")),
                        managers,
                    )
            if store.backend == "postgresql":
                for name, table in TABLES.items():
                    if as_written and not data[name]:
                        continue  # its sequence starts afresh
                    if "id" in table.c and table.c.id.primary_key:
                        s.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                f"COALESCE((SELECT MAX(id) FROM {name}), 1), "
                                f"(SELECT MAX(id) FROM {name}) IS NOT NULL)"
                            )
                        )
    except Conflict as exc:
        raise InvalidInput(
            f"{path_name}: its rows do not fit together ({exc.message.split(': ', 1)[-1]}); nothing was restored.",
            field="file",
        ) from None
    except (IntegrityError, SQLAlchemyError) as exc:
        if isinstance(exc, IntegrityError):
            raise InvalidInput(f"{path_name}: its rows do not fit together; nothing was restored.") from None
        raise StoreUnavailable(describe_failure(store.url, exc)) from None
