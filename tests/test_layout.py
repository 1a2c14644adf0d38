"""Tests mirror src file for file: each module of cli/, domain/, services/, store/ and
services/reports/ has tests/<layer>/test_<module>.py, or an entry below saying where it
is tested instead."""

from __future__ import annotations

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "salessprint"
TESTS = Path(__file__).resolve().parent

TESTED_ELSEWHERE: dict[str, dict[str, str]] = {
    "cli": {},
    "domain": {
        "enums": "declarations only (the enums and the default stages), used by every test",
        "errors": "the error classes; every test of a refusal raises one",
        "values": "frozen value models with no logic; every services test reads them",
    },
    "services": {
        "changes": "the services' door to store/feed.py: tests/store/test_feed.py",
        "uow": "the unit of work under every service: test_concurrency.py, test_sqlite_writers.py, test_read_views.py",
        "importing": "a package: tests/services/test_import_*.py (formats, maven, values, closing)",
        "app_context": "the screens' header read: tests/services/test_read_views.py",
        "tasks_core": "task moves on Core, case by case against the ORM path: tests/services/test_moves_core.py",
        "deals_core": "deal moves on Core, case by case against the ORM path: tests/services/test_moves_core.py",
        "members": "test_permission_matrix.py (who may manage members) and tests/cli/test_members.py",
        "targets": "test_permission_matrix.py, test_activities.py (targets scaled to the range), tests/cli/test_targets.py"
        " (and the quota ramp)",
        "team": "init_team builds every test team (tests/conftest.py); tests/cli/test_store_setup.py; the forecast"
        " window: tests/cli/test_team.py, tests/services/reports/test_forecast.py",
        "views": "rows -> frozen values, read back by every services test",
    },
    "services/reports": {
        "_shared": "the result base class and the helpers the reports share, read through every report's tests",
    },
    "store": {
        "models": "the tables; tests/store/test_schema.py checks them against the migrations",
        "types": "column types (money, UTC times), round-tripped in tests/store/test_codec.py",
        "migrations": "tests/store/test_schema.py upgrades an empty database on both backends",
        "lookups": "the NotFound messages: tests/services/test_deals.py::test_unknown_names_are_not_found",
        "move_tables": "the Core tables of the moves: tests/services/test_moves_core.py writes through them",
    },
}


def modules(layer: str) -> list[str]:
    """The layer's modules and sub-packages, by name (a sub-package is mirrored by a
    folder of tests of its own name, checked as a layer of its own when listed above)."""
    folder = SRC / layer
    files = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
    packages = [p.name for p in folder.iterdir() if (p / "__init__.py").is_file()]
    return sorted(files + [name for name in packages if not (TESTS / layer / name).is_dir()])


@pytest.mark.parametrize("layer", sorted(TESTED_ELSEWHERE))
def test_every_module_has_a_test_file_of_its_name(layer: str) -> None:
    missing = [
        name
        for name in modules(layer)
        if not (TESTS / layer / f"test_{name}.py").is_file() and name not in TESTED_ELSEWHERE[layer]
    ]
    assert not missing, f"add tests/{layer}/test_<name>.py (or an entry in TESTED_ELSEWHERE) for: {missing}"


@pytest.mark.parametrize("layer", sorted(TESTED_ELSEWHERE))
def test_an_exception_is_not_also_mirrored(layer: str) -> None:
    """An entry for a module that has its own test file is stale: the mirror covers it."""
    stale = [name for name in TESTED_ELSEWHERE[layer] if (TESTS / layer / f"test_{name}.py").is_file()]
    assert not stale, f"remove from TESTED_ELSEWHERE[{layer!r}]: {stale}"
