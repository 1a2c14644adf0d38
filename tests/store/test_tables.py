"""The Core tables of the command line's hot path are the models' tables:
same columns, types, lengths, nullability, keys and Python-side defaults."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Table

from salessprint.store import tables
from salessprint.store.models import Base

CORE = [tables.activities, tables.changes, tables.members, tables.teams, tables.deals]


def _shape(column: Column[object]) -> tuple[object, ...]:
    kind = column.type
    default = column.default
    return (
        column.key,
        type(kind).__name__,
        getattr(kind, "length", None),
        getattr(getattr(kind, "enum", None), "__name__", None),
        column.nullable,
        column.primary_key,
        None
        if default is None
        else getattr(default.arg, "__wrapped__", default.arg)
        if default.is_callable
        else default.arg,
    )


@pytest.mark.parametrize("core", CORE, ids=[t.name for t in CORE])
def test_each_core_column_is_the_model_s(core: Table) -> None:
    model = Base.metadata.tables[core.name]
    for column in core.columns:
        assert column.key in model.columns, f"{core.name}.{column.key} is no column of the model"
        ours, theirs = _shape(column), _shape(model.columns[column.key])
        if ours[-1] is not None and callable(ours[-1]):  # the same function, wrapped by SQLAlchemy alike
            assert column.default.arg.__name__ == model.columns[column.key].default.arg.__name__  # type: ignore[union-attr]
            ours, theirs = ours[:-1], theirs[:-1]
        assert ours == theirs


@pytest.mark.parametrize("core", [tables.activities, tables.changes], ids=["activities", "changes"])
def test_the_tables_the_hot_path_writes_have_every_column_in_order(core: Table) -> None:
    """An insert and its change-log snapshot cover the whole row, as the ORM's do."""
    assert [c.key for c in core.columns] == [c.key for c in Base.metadata.tables[core.name].columns]
