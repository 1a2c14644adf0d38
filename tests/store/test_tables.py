"""The Core tables of the command line's hot path are the models' tables:
same columns, types, lengths, nullability, keys and Python-side defaults."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, Table

from salessprint.store import move_tables, tables
from salessprint.store.models import Base

CORE = [
    tables.activities,
    tables.changes,
    tables.members,
    tables.teams,
    tables.deals,
    move_tables.deals,
    move_tables.deal_collaborators,
    move_tables.deal_events,
    move_tables.stages,
    move_tables.tasks,
    move_tables.sprints,
    move_tables.sprint_items,
]
WHOLE = [
    tables.activities,
    tables.changes,
    move_tables.deals,
    move_tables.deal_events,
    move_tables.tasks,
    move_tables.sprint_items,
]


def _default(column: Column[Any]) -> object:
    """A column's Python-side default: the value, or a callable's name (SQLAlchemy wraps callables alike)."""
    default: Any = column.default
    if default is None:
        return None
    return f"callable {default.arg.__name__}" if default.is_callable else default.arg


PLAIN_TEXT = {("deals", "forecast_category")}
"""Enum columns the Core tables read as their text (see store/tables.py)."""


def _shape(column: Column[Any]) -> tuple[object, ...]:
    kind = column.type
    plain = (column.table.name, column.key) in PLAIN_TEXT
    return (
        column.key,
        "String" if plain else type(kind).__name__,
        getattr(kind, "length", None),
        None if plain else getattr(getattr(kind, "enum", None), "__name__", None),
        column.nullable,
        column.primary_key,
        _default(column),
    )


@pytest.mark.parametrize("core", CORE, ids=[f"{t.name}-{len(t.columns)}" for t in CORE])
def test_each_core_column_is_the_model_s(core: Table) -> None:
    model = Base.metadata.tables[core.name]
    for column in core.columns:
        assert column.key in model.columns, f"{core.name}.{column.key} is no column of the model"
        assert _shape(column) == _shape(model.columns[column.key])


@pytest.mark.parametrize("core", WHOLE, ids=[t.name for t in WHOLE])
def test_the_tables_the_hot_path_writes_have_every_column_in_order(core: Table) -> None:
    """An insert and its change-log snapshot cover the whole row, as the ORM's do."""
    assert [c.key for c in core.columns] == [c.key for c in Base.metadata.tables[core.name].columns]
