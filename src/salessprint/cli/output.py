"""Printing results as a table, JSON or CSV (the `--format` option).

CSV cells that a spreadsheet would run as a formula (=, +, -, @ first) are
prefixed with a quote so an exported deal title cannot execute anything.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click

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


def dump_json(data: Any) -> None:
    click.echo(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(to_jsonable(value))
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except Exception:
        return False
    return True


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


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    cells = [[cell(r.get(c)) for c in columns] for r in rows]
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
    writer.writerow(columns)
    for r in rows:
        writer.writerow(
            [
                safe_cell(r.get(c)) if not isinstance(r.get(c), dict | list) else json.dumps(to_jsonable(r.get(c)))
                for c in columns
            ]
        )
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
