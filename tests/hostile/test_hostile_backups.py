"""Hostile backup files for `restore`: truncated, from a newer version, not
JSON, tampered. Each is refused with a clear message and the target store
holds no team afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salessprint.domain.errors import InvalidInput, SalesSprintError
from salessprint.services import open_store
from salessprint.services.backup import dumps, export_json, restore
from salessprint.services.deals import add_deal
from tests.hostile.support import make_team


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from salessprint.domain import clock
    from tests.conftest import FROZEN_NOW

    folder = tmp_path_factory.mktemp("good")
    with clock.freeze(FROZEN_NOW):
        store = make_team(f"sqlite:///{folder / 's.db'}")
        add_deal(store, "ada", title="Deal one", account="Acme", value="100.50", owner="rita")
        add_deal(store, "ada", title="Deal two", account="Beta", value="7", owner="rob")
        export_json(store, "ada", folder / "good.json")
        store.dispose()
    return (folder / "good.json").read_bytes()


def tamper(good: bytes, change: Any) -> bytes:
    doc = json.loads(good)
    change(doc)
    return dumps(doc)


def _set(path: list[Any], value: Any) -> Any:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


CASES: list[tuple[str, Any, str]] = [
    ("empty", lambda g: b"", r"is empty"),
    ("truncated", lambda g: g[: len(g) // 2], r"is cut off \(incomplete JSON\)"),
    ("cut in a literal", lambda g: g[: g.index(b"null") + 2], r"is cut off \(incomplete JSON\)"),
    ("cut in a string", lambda g: g[: g.index(b'"Test Team') + 5], r"is cut off \(incomplete JSON\)"),
    ("not json", lambda g: b"opportunity_id,title\n1,x\n", r"is not valid JSON"),
    ("not utf-8", lambda g: '{"x": "caf\xe9"}'.encode("latin-1"), r"not UTF-8"),
    ("a list", lambda g: b"[1, 2, 3]", r"is not a salessprint backup"),
    ("other json", lambda g: b'{"hello": "world"}', r"is not a salessprint backup"),
    ("newer version", lambda g: tamper(g, _set(["version"], 2)), r"newer salessprint \(backup format 2"),
    ("newer schema", lambda g: tamper(g, _set(["schema"], "9999")), r"newer database schema"),
    ("missing table", lambda g: tamper(g, lambda d: d["tables"].pop("deals")), r"lacks the tables deals"),
    (
        "unknown table",
        lambda g: tamper(g, _set(["tables", "forecasts"], {"columns": [], "rows": []})),
        r"tables this salessprint does not know \(forecasts\)",
    ),
    (
        "extra column",
        lambda g: tamper(g, lambda d: d["tables"]["notes"]["columns"].append("mood")),
        r"table notes has columns this salessprint does not know \(mood\)",
    ),
    (
        "money as float",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][0].__setitem__(
                d["tables"]["deals"]["columns"].index("value"), 100.5
            ),
        ),
        r"table deals, row 1: value: .*string",
    ),
    (
        "money in words",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][0].__setitem__(
                d["tables"]["deals"]["columns"].index("value"), "lots"
            ),
        ),
        r"table deals, row 1: value: 'lots'",
    ),
    (
        "money past Decimal's range",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][0].__setitem__(
                d["tables"]["deals"]["columns"].index("value"), "1e400"
            ),
        ),
        r"table deals, row 1: value: '1e400' is out of range",
    ),
    (
        "bad date",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][1].__setitem__(
                d["tables"]["deals"]["columns"].index("started_on"), "2017-13-45"
            ),
        ),
        r"table deals, row 2: started_on: '2017-13-45'",
    ),
    (
        "naive time",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][0].__setitem__(
                d["tables"]["deals"]["columns"].index("created_at"), "2026-11-26T10:30:00"
            ),
        ),
        r"created_at: .* has no time zone",
    ),
    (
        "short row",
        lambda g: tamper(g, lambda d: d["tables"]["deals"]["rows"][0].pop()),
        r"table deals, row 1: should be a list",
    ),
    (
        "duplicated id",
        lambda g: tamper(g, lambda d: d["tables"]["deals"]["rows"].append(d["tables"]["deals"]["rows"][0])),
        r"table deals, row 3: the id 1 appears twice",
    ),
    (
        "two teams",
        lambda g: tamper(g, lambda d: d["tables"]["teams"]["rows"].append([2, *d["tables"]["teams"]["rows"][0][1:]])),
        r"exactly one team",
    ),
    (
        "dangling owner",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][0].__setitem__(
                d["tables"]["deals"]["columns"].index("owner_id"), 999
            ),
        ),
        r"rows do not fit together .*nothing was restored",
    ),
    (
        "NUL in text",
        lambda g: tamper(
            g,
            lambda d: d["tables"]["deals"]["rows"][0].__setitem__(
                d["tables"]["deals"]["columns"].index("title"), "a\x00b"
            ),
        ),
        r"contains a NUL character",
    ),
]


def no_team(url: str) -> bool:
    """The store is as empty as before: not even a schema is left behind."""
    store = open_store(url, check_schema=False)
    try:
        return store.schema_state().empty
    finally:
        store.dispose()


@pytest.mark.parametrize(("case", "make", "message"), CASES, ids=[c[0] for c in CASES])
def test_refused_backups(good_backup: bytes, tmp_path: Path, case: str, make: Any, message: str) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(make(good_backup))
    url = f"sqlite:///{tmp_path / 'target.db'}"
    store = open_store(url, check_schema=False)
    with pytest.raises(InvalidInput, match=message):
        restore(store, path)
    store.dispose()
    assert no_team(url)


def test_dangling_reference_on_postgres(good_backup: bytes, tmp_path: Path, pg_url: str) -> None:
    bad = CASES[[c[0] for c in CASES].index("dangling owner")][1](good_backup)
    path = tmp_path / "backup.json"
    path.write_bytes(bad)
    store = open_store(pg_url, check_schema=False)
    with pytest.raises(InvalidInput, match="do not fit together"):
        restore(store, path)
    store.dispose()
    assert no_team(pg_url)


def test_the_good_backup_restores(good_backup: bytes, tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(good_backup)
    store = open_store(f"sqlite:///{tmp_path / 't.db'}", check_schema=False)
    assert restore(store, path).rows["deals"] == 2
    store.dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=10_000), junk=st.binary(max_size=20))
def test_any_damage_is_refused_cleanly(
    good_backup: bytes, tmp_path_factory: pytest.TempPathFactory, cut: int, junk: bytes
) -> None:
    folder = tmp_path_factory.mktemp("dmg")
    damaged = good_backup[: cut % len(good_backup)] + junk
    path = folder / "b.json"
    path.write_bytes(damaged)
    url = f"sqlite:///{folder / 't.db'}"
    store = open_store(url, check_schema=False)
    try:
        restore(store, path)
    except SalesSprintError as exc:
        assert exc.message
        assert no_team(url)
    finally:
        store.dispose()
