"""Printing results as a table, JSON or CSV (the `--format` option).

Every line the command line prints goes through `echo()` or a printer here,
so stored text never reaches the terminal with a control character in it:
tables and messages draw them as symbols (ESC as `␛`, see domain/text.py),
JSON escapes them. CSV cells that a spreadsheet would run as a formula
(= + - @ | tab CR first) are prefixed with a quote so an exported deal title
cannot execute anything.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click

from salessprint.domain.text import csv_cell, visible

FORMATS = click.Choice(["table", "json", "csv"], case_sensitive=False)
format_option = click.option("--format", "fmt", type=FORMATS, default="table", show_default=True, help="Output format.")


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump())
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def echo(message: object = "", *, nl: bool = True, err: bool = False) -> None:
    """click.echo for text that may hold stored user text: control characters made visible."""
    click.echo(visible(str(message)), nl=nl, err=err)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def dump_json(data: Any) -> None:
    """JSON as UTF-8 text; json escapes C0 controls itself, and DEL and the
    C1 controls (which json leaves raw) are escaped here, so the data stay exact."""
    text = json.dumps(to_jsonable(data), indent=2, ensure_ascii=False)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def safe_cell(value: Any) -> str:
    """One CSV cell: see domain/text.csv_cell."""
    if isinstance(value, dict | list):
        return csv_cell(json.dumps(to_jsonable(value), ensure_ascii=False))
    return csv_cell("" if value is None else str(to_jsonable(value)))


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(to_jsonable(value))


def _table_cell(value: Any) -> str:
    return visible(cell(value), one_line=True)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    cells = [[_table_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    widths = [min(w, 48) for w in widths]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    click.echo("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(fit(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def print_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for r in rows:
        writer.writerow([safe_cell(r.get(c)) for c in columns])
    sys.stdout.write(buffer.getvalue())


def emit(
    fmt: str, plural: str, rows: Sequence[Any], columns: Sequence[str], extra: dict[str, Any] | None = None
) -> None:
    """Print a listing: JSON as {plural: [...], **extra}, else table or CSV."""
    dicts = [to_jsonable(r) for r in rows]
    if fmt == "json":
        dump_json({plural: dicts, **(extra or {})})
    elif fmt == "csv":
        print_csv(dicts, columns)
    else:
        print_table(dicts, columns)
