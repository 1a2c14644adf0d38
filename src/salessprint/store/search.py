"""The text filter's substring match, served by trigram indexes (migration 0011).

`LIKE '%text%'` on `lower(column)` is the definition of a match, on both
backends. On SQLite an FTS5 table with the trigram tokenizer per searched
table (`SEARCHED`) first narrows the rows to those holding the text's
trigrams, and the LIKE then decides; a text shorter than three characters
has no trigram, so it is matched by the LIKE alone, over every row
(`trigram_ready`). On PostgreSQL the LIKE itself is served by `pg_trgm`
GIN indexes on `lower(column)`.

Two characters have no trigram of their own, but on SQLite every row that
holds them holds a trigram that contains them, unless its text is shorter
than three characters: `two_letters` asks the trigram tables' vocabulary
for those trigrams ("zw" -> "zwa", "zw)", "azw", ...) and lists the rows too
short for any, so that two letters are found by id like three (`matched_ids`
with `short=True`, the ids listed).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    func,
    literal_column,
)
from sqlalchemy import select as select_
from sqlalchemy import table as table_
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SEARCHED = {"deals": "deals_search", "tasks": "tasks_search", "accounts": "accounts_search"}
"""Table -> its FTS5 trigram table (SQLite)."""
SHADOWS = ("data", "idx", "docsize", "config")
"""The tables SQLite keeps behind each FTS5 table (`<name>_<shadow>`)."""
MIN_TRIGRAM = 3
"""Characters a text needs before a trigram index can find it."""
TWO_LETTERS = 2
"""A text this long is found through the trigrams that contain it (SQLite: `two_letters`)."""
STRUCTURE_ROWID = 10
"""The row of an FTS5 table's `_data` shadow that holds its index structure
(FTS5_STRUCTURE_ROWID, part of the file format): it changes whenever the
index does, so it tells whether what `_letters` found still holds."""

LIKE: BindParameter[str] = bindparam("like")
"""`%text%`, lower case, with `\\`, `%` and `_` escaped."""
PHRASE: BindParameter[str] = bindparam("phrase")
"""The text as one FTS5 phrase (`phrase()`)."""


def search_tables() -> set[str]:
    """Every table the trigram search adds to a SQLite store, shadows included."""
    return {name for fts in SEARCHED.values() for name in (fts, *(f"{fts}_{s}" for s in SHADOWS))}


def like_pattern(text: str) -> str | None:
    """The LIKE pattern of a filter text (None when there is nothing to match)."""
    clean = text.strip().lower()
    if not clean:
        return None
    escaped = clean.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def trigram_ready(text: str) -> bool:
    """Whether the trigram index can serve this filter text (three characters or more)."""
    return len(text.strip().lower()) >= MIN_TRIGRAM


def two_letters_ready(text: str) -> bool:
    """Whether the text is two characters, found through the trigrams holding them (`two_letters`)."""
    return len(text.strip().lower()) == TWO_LETTERS


def phrase(text: str) -> str:
    """The filter text as an FTS5 string: in double quotes, inner ones doubled."""
    return '"' + text.strip().lower().replace('"', '""') + '"'


class _Folded(FunctionElement[str]):
    """A column compared in lower case (see `folded`)."""

    name = "folded"
    inherit_cache = True
    type = String()

    def __init__(self, column: SQLColumnExpression[str]) -> None:
        super().__init__(column)


@compiles(_Folded)
def _lower(element: _Folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(_Folded, "sqlite")
def _as_is(element: _Folded, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


def folded(column: SQLColumnExpression[str]) -> ColumnElement[str]:
    """`lower(column)`; on SQLite the column itself. SQLite's LIKE already
    ignores case in ASCII letters only, and its `lower()` folds only those,
    so `column LIKE p` answers as `lower(column) LIKE p` does for a lower-case
    `p`, without calling `lower()` on every row (a third of a scan's time)."""
    return _Folded(column)


def like(column: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """`lower(column) LIKE :like` (`folded`): the match, whatever index serves it."""
    return folded(column).like(LIKE, escape="\\")


def ids_param(table: str) -> str:
    """The bound parameter listing `table`'s candidate rows for two letters (JSON ids, `two_letters`)."""
    return f"ids_{table}"


def matched_ids(table: str, short: bool = False) -> Select[tuple[int]]:
    """Ids of `table`'s rows whose text holds the trigrams of `:phrase` (SQLite
    FTS5); with `short` (two letters), the rows listed in `:ids_<table>`."""
    if short:
        listed = func.json_each(bindparam(ids_param(table))).table_valued("value")
        return select_(listed.c.value)
    fts = SEARCHED[table]
    return (
        select_(literal_column("rowid", type_=None))
        .select_from(table_(fts))
        .where(literal_column(fts).op("MATCH")(PHRASE))
    )


def matches(
    ident: SQLColumnExpression[int],
    column: SQLColumnExpression[str],
    table: str,
    trigram: bool,
    short: bool = False,
) -> ColumnElement[bool]:
    """The row matches `:like`: narrowed by the trigram table first when `trigram` (SQLite)."""
    if not trigram:
        return like(column)
    return and_(ident.in_(matched_ids(table, short)), like(column))


@dataclass(frozen=True)
class _Letters:
    """What one trigram table holds, as of its index structure `marker`."""

    marker: bytes | None
    firsts: tuple[str, ...]
    """The characters its trigrams start with."""
    short: tuple[int, ...]
    """Its rows with no trigram at all (text of fewer than three characters)."""


_LETTERS: dict[tuple[str, str], _Letters] = {}
_LETTERS_LOCK = threading.Lock()

_FIRSTS = """
SELECT '{table}', 'first', substr(t, 1, 1) FROM (
  WITH RECURSIVE f(t) AS (
    SELECT (SELECT term FROM {vocab} LIMIT 1)
    UNION ALL
    SELECT (SELECT term FROM {vocab} WHERE term >= char(CASE unicode(t) WHEN 55295 THEN 57344
                                                       ELSE unicode(t) + 1 END) LIMIT 1)
    FROM f WHERE t IS NOT NULL
  )
  SELECT t FROM f WHERE t IS NOT NULL
)
UNION ALL SELECT '{table}', 'short', id FROM {fts}_docsize WHERE sz = x'00'
"""
"""A table's first characters, by a skip scan of its vocabulary (the first
term, then the first one past its first character, ...), and its rows with
no trigram (their size is 0)."""


def vocab_statements() -> list[str]:
    """The statements that give an SQLite connection its TEMP vocabulary tables
    (run on the raw driver: the benchmark's replay needs them too)."""
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{fts}_vocab USING fts5vocab(main, {fts}, row)"
        for fts in SEARCHED.values()
    ]


def _vocab_ready(connection: Connection) -> None:
    """Give this SQLite connection its TEMP fts5vocab tables over the trigram
    tables (nothing is written to the store), once per pooled connection: its
    `info` lives as long as the connection does.

    Not an engine "connect" listener added here: adding one while another
    worker thread opens a connection breaks that open ("deque mutated during
    iteration"), and the filter that asked first then never answers."""
    if connection.info.get("salessprint_vocab"):
        return
    dbapi = connection.connection.dbapi_connection
    assert dbapi is not None  # a connection in use holds its DB-API connection
    cursor = dbapi.cursor()
    for statement in vocab_statements():
        cursor.execute(statement)
    cursor.close()
    connection.info["salessprint_vocab"] = True


def two_letters(connection: Connection, text: str, most: int) -> dict[str, str]:
    """For a text of two characters (SQLite), per trigram table the ids of its
    rows that may hold them, as the values of `:ids_<table>`: those holding a
    trigram that contains the two, and those too short for any trigram. The
    tables are asked once here, not in every sub-select of every statement;
    each list stops after `most` + 1 rows. Two statements (three after a
    title changed, when the first characters are read again).

    A row holding the two characters either has a third after them (a
    trigram starting with them, read off the vocabulary by range) or ends
    with them after some character (a trigram starting with one of the
    table's first characters), or is itself shorter than three characters."""
    _vocab_ready(connection)
    pair = text.strip().lower()
    url = str(connection.engine.url)
    cold = [t for t in SEARCHED if (url, t) not in _LETTERS]
    upper = pair[:-1] + chr(ord(pair[-1]) + 1) if ord(pair[-1]) < 0x10FFFF else None
    parts, bounds = [], []
    for t, fts in SEARCHED.items():
        parts.append(f"SELECT '{t}', 'marker', (SELECT block FROM {fts}_data WHERE id = {STRUCTURE_ROWID})")
        parts.append(
            f"SELECT '{t}', 'term', term FROM temp.{fts}_vocab WHERE term >= ?" + (" AND term < ?" if upper else "")
        )
        bounds += [pair, upper] if upper else [pair]
    rows = list(connection.exec_driver_sql(" UNION ALL ".join(parts + [_letters_sql(t) for t in cold]), tuple(bounds)))
    markers = {t: v for t, kind, v in rows if kind == "marker"}
    terms = {v for _t, kind, v in rows if kind == "term" and v.startswith(pair)}
    _remember(url, cold, markers, rows)
    stale = [t for t in SEARCHED if _LETTERS[(url, t)].marker != markers[t]]
    if stale:  # a title changed since: its table's letters again
        _remember(url, stale, markers, list(connection.exec_driver_sql(" UNION ALL ".join(map(_letters_sql, stale)))))
    terms |= {first + pair for t in SEARCHED for first in _LETTERS[(url, t)].firsts}
    # Terms as they are: a trigram may start or end with a space (" zw").
    query = " OR ".join('"' + term.replace('"', '""') + '"' for term in sorted(terms)) or phrase(pair)
    # More than `most` rows are too many to read by id: the caller walks its index instead.
    matched = " UNION ALL ".join(
        f"SELECT * FROM (SELECT '{t}', rowid FROM {fts} WHERE {fts} MATCH ? LIMIT ?)" for t, fts in SEARCHED.items()
    )
    found: dict[str, list[int]] = {t: list(_LETTERS[(url, t)].short) for t in SEARCHED}
    for t, rowid in connection.exec_driver_sql(matched, (query, most + 1) * len(SEARCHED)):
        found[t].append(rowid)
    return {ids_param(t): json.dumps(ids) for t, ids in found.items()}


def learn_letters(connection: Connection) -> None:
    """Read what `two_letters` needs to know of each trigram table (its first
    characters, its short rows) unless known as of its current index: done
    ahead, so that the first two letters typed need not wait for it."""
    _vocab_ready(connection)
    url = str(connection.engine.url)
    markers = {
        t: connection.exec_driver_sql(f"SELECT block FROM {fts}_data WHERE id = {STRUCTURE_ROWID}").scalar()
        for t, fts in SEARCHED.items()
    }
    stale = [t for t in SEARCHED if (url, t) not in _LETTERS or _LETTERS[(url, t)].marker != markers[t]]
    if stale:
        _remember(url, stale, markers, list(connection.exec_driver_sql(" UNION ALL ".join(map(_letters_sql, stale)))))


def _letters_sql(table: str) -> str:
    fts = SEARCHED[table]
    return "SELECT * FROM (" + _FIRSTS.format(table=table, fts=fts, vocab=f"temp.{fts}_vocab") + ")"


def _remember(url: str, tables: list[str], markers: dict[str, Any], rows: list[Any]) -> None:
    """Keep the letters just read of these tables, as of their markers."""
    with _LETTERS_LOCK:
        for t in tables:
            firsts = tuple(v for tt, kind, v in rows if tt == t and kind == "first")
            short = tuple(v for tt, kind, v in rows if tt == t and kind == "short")
            _LETTERS[(url, t)] = _Letters(markers[t], firsts, short)
