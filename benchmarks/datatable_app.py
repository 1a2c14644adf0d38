"""A peer in the same run: a plain Textual DataTable app showing every open
deal of the store, read with the raw driver before the first frame (what a
quick script would do). Its first frame with data is compared with
salessprint's board, both over the minimal app launched just before.

    python -m benchmarks.datatable_app sqlite:///bench/sqlite-large.db
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer

OPEN_DEALS = "SELECT id, title, value FROM deals WHERE closed_on IS NULL ORDER BY id"


def read_rows(url: str) -> list[tuple[Any, ...]]:
    """Every open deal, by the driver (no ORM, no services)."""
    if url.startswith("sqlite"):
        conn: Any = sqlite3.connect(url.split("///", 1)[1])
    else:
        import psycopg

        from benchmarks.generate import _conninfo

        conn = psycopg.connect(_conninfo(url))
    try:
        return [tuple(row) for row in conn.execute(OPEN_DEALS).fetchall()]
    finally:
        conn.close()


def first_title(url: str) -> str | None:
    """The start of the first row's title: what shows once the table has its data."""
    rows = read_rows(url)[:1]
    return str(rows[0][1])[:14] if rows else None


class DealTable(App[None]):
    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "deal", "value")
        table.add_rows(read_rows(self.url))


if __name__ == "__main__":
    DealTable(sys.argv[1]).run()
