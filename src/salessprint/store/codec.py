"""Column values <-> JSON: the one place that knows how a stored value is written down.

The change log keeps rows as JSON (`row_to_json`), undo turns them back into
column values (`row_from_json`), and the backup writes and reads every table
cell (`column_to_json`, `column_from_json`). Money is a string ("1234.50"),
dates and times ISO 8601 (times in UTC with offset), enumerations their value,
JSON columns objects; everything else is already JSON.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from sqlalchemy import JSON, Boolean, Column, Date, Float, Integer, String, Text
from sqlalchemy import inspect as sa_inspect

from salessprint.store.types import CENT, Money, StrEnumType, UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapper

JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None
"""Any JSON document or part of one."""
JSONRow: TypeAlias = dict[str, JSONValue]
"""A row as JSON: column key -> value (the change log's before and after)."""


def to_json(value: object) -> JSONValue:
    """A Python value as JSON-ready data: Decimal as text, dates ISO, enums by value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return cast(JSONValue, value.value)
    return cast(JSONValue, value)  # the other column types (text, numbers, booleans, JSON) are JSON already


def row_to_json(row: object) -> JSONRow:
    """A model row's column values as JSON-ready data (what the change log keeps)."""
    mapper = sa_inspect(row).mapper
    return {col.key: to_json(getattr(row, col.key)) for col in mapper.column_attrs}


def row_from_json(model: type, data: dict[str, Any]) -> dict[str, Any]:
    """A JSON row (from `row_to_json`) back as column values of `model`; keys
    that are not columns of `model` are left out. ValueError if a value does
    not fit its column."""
    mapper: Mapper[Any] = sa_inspect(model)
    columns = mapper.columns  # keyed by attribute, like `row_to_json`
    return {key: column_from_json(columns[key], value) for key, value in data.items() if key in columns}


def column_to_json(column: Column[Any], value: object) -> JSONValue:
    """A cell as the backup writes it: money always with cents, times ISO in UTC."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Money):
        assert isinstance(value, Decimal | int | str)
        return str(Decimal(value).quantize(CENT))
    if isinstance(kind, UTCDateTime | Date):
        assert isinstance(value, date)
        return value.isoformat()
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Float):
        assert isinstance(value, int | float)
        return float(value)
    return to_json(value)


def column_from_json(column: Column[Any], value: object) -> Any:
    """A JSON value back into the column's Python type; ValueError (saying
    what is wrong, for a person) when it does not fit the column."""
    if value is None:
        if not column.nullable:
            raise ValueError("is empty but required")
        return None
    kind = column.type
    if isinstance(kind, Money):
        return _money(value)
    if isinstance(kind, UTCDateTime):
        return _moment(value)
    if isinstance(kind, Date):
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a date")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"'{value[:40]}' is not a real date (YYYY-MM-DD)") from None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true or false")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**31:
            raise ValueError(f"{value!r} is not a whole number")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if isinstance(kind, JSON):
        if not isinstance(value, dict):
            raise ValueError("is not a JSON object")
        return value
    if isinstance(kind, StrEnumType):
        return _choice(kind.enum, _text(value, kind.length))
    if isinstance(kind, String | Text):
        return _text(value, kind.length)
    return value


def _money(value: object) -> Decimal:
    if not isinstance(value, str):
        raise ValueError(f'{value!r} is not money written as a string like "12.50"')
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"'{value[:40]}' is not an amount of money") from None
    if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= Decimal("1e12"):
        raise ValueError(f"'{value[:40]}' is not an amount of money with cents")
    return amount


def _moment(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value[:40]}' is not a real time (ISO 8601)") from None
    if moment.tzinfo is None:
        raise ValueError(f"'{value[:40]}' has no time zone")
    return moment


def _choice(enum: type[StrEnum], value: str) -> StrEnum:
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"'{value[:40]}' is not one of: {', '.join(enum)}") from None


def _text(value: object, length: int | None) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    if length is not None and len(value) > length:
        raise ValueError(f"is longer than {length} characters")
    if "\x00" in value:
        raise ValueError("contains a NUL character")
    return value
