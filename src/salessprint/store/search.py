"""The text filter's substring match, served by trigram indexes (migration 0011).

`LIKE '%text%'` on `lower(column)` is the definition of a match, on both
backends. On SQLite an FTS5 table with the trigram tokenizer per searched
table (`SEARCHED`) first narrows the rows to those holding the text's
trigrams, and the LIKE then decides; a text shorter than three characters
has no trigram, so it is matched by the LIKE alone, over every row
(`trigram_ready`). On PostgreSQL the LIKE itself is served by `pg_trgm`
GIN indexes on `lower(column)`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    literal_column,
)
from sqlalchemy import select as select_
from sqlalchemy import table as table_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SEARCHED = {"deals": "deals_search", "tasks": "tasks_search", "accounts": "accounts_search"}
"""Table -> its FTS5 trigram table (SQLite)."""
SHADOWS = ("data", "idx", "docsize", "config")
"""The tables SQLite keeps behind each FTS5 table (`<name>_<shadow>`)."""
MIN_TRIGRAM = 3
"""Characters a text needs before a trigram index can find it."""

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


def matched_ids(table: str) -> Select[tuple[int]]:
    """Ids of `table`'s rows whose text holds the trigrams of `:phrase` (SQLite FTS5)."""
    fts = SEARCHED[table]
    return (
        select_(literal_column("rowid", type_=None))
        .select_from(table_(fts))
        .where(literal_column(fts).op("MATCH")(PHRASE))
    )


def matches(
    ident: SQLColumnExpression[int], column: SQLColumnExpression[str], table: str, trigram: bool
) -> ColumnElement[bool]:
    """The row matches `:like`: narrowed by the trigram table first when `trigram` (SQLite)."""
    if not trigram:
        return like(column)
    return and_(ident.in_(matched_ids(table)), like(column))
