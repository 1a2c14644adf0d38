"""Export -> restore -> export is byte-identical on SQLite and PostgreSQL,
including Decimal values, time zones and any Unicode."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, func, select

from salessprint.domain.errors import Conflict, PermissionDenied
from salessprint.services import open_store
from salessprint.services.activities import log_activity
from salessprint.services.backup import dumps, export_csv, export_json, restore
from salessprint.services.deals import add_deal
from salessprint.services.uow import unit_of_work
from salessprint.store.models import Deal, Note, Team
from tests.hostile.support import make_team

AWKWARD = [
    "Café 🚀 deal — “quoted” and 'single'",
    "\u200fRLM and \u061cALM (bidi marks; overrides are refused at input) עסקה גדולה",
    "[bold]x[/] and [/] and <script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "tab\tand newline\nin a title? no: notes only",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 家 and ÅÄÖ",
]


def fill(store, awkward: list[str]) -> None:
    """Deals with awkward text and money, an activity in another time zone, notes."""
    for i, text in enumerate(awkward):
        title = " ".join(text.split())[:300] or "x"
        add_deal(
            store,
            "ada",
            title=title,
            account=f"{title[:40]} GmbH",
            value=["0.01", "999999999.99", "12,500.50", "7", "1234.5", "0"][i % 6],
            owner="rita",
        )
    log_activity(
        store,
        "rita",
        kind="call",
        note="Called ☎️ — back at 9",
        when=datetime(2026, 11, 25, 9, 0, tzinfo=timezone(timedelta(hours=-5))).isoformat(),
    )
    with unit_of_work(store, "ada") as uow:
        deal_id = uow.session.scalar(select(Deal.id).order_by(Deal.id))
        for text in awkward:
            uow.add("note", Note(team_id=uow.actor.team_id, author_id=uow.actor.member_id, deal_id=deal_id, text=text))


def test_export_is_deterministic_and_documented(demo_store, tmp_path: Path) -> None:
    first = export_json(demo_store, "maria", tmp_path / "a.json")
    export_json(demo_store, "maria", tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert doc["format"] == "salessprint-backup" and doc["version"] == 1
    assert set(doc["tables"]) == {
        "teams",
        "stages",
        "members",
        "targets",
        "accounts",
        "deals",
        "deal_collaborators",
        "deal_events",
        "tasks",
        "sprints",
        "sprint_items",
        "activities",
        "retro_entries",
        "retro_votes",
        "notes",
        "forecast_snapshots",
        "time_off",
        "changes",
        "deal_archive",
    }
    assert first.rows["deals"] == 150 and first.rows["members"] == 8
    value = doc["tables"]["deals"]["columns"].index("value")
    assert all(isinstance(r[value], str) and r[value].count(".") == 1 for r in doc["tables"]["deals"]["rows"])


def test_demo_round_trip_across_backends(demo_store, db_url: str, tmp_path: Path) -> None:
    export_json(demo_store, "maria", tmp_path / "one.json")
    target = open_store(db_url, check_schema=False)
    summary = restore(target, tmp_path / "one.json")  # no identity needed: the store is empty
    assert summary.team == "Northwind Field Sales"
    export_json(target, "maria", tmp_path / "two.json")
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    # ids continue after the restored ones (PostgreSQL sequences are moved on)
    view = add_deal(target, "maria", title="After restore", account="New Co", value="10", owner="alex")
    assert view.id == 151
    with pytest.raises(Conflict, match="already holds the team"):
        restore(target, tmp_path / "one.json")
    target.dispose()


def test_unicode_decimal_and_time_zones_round_trip(db_url: str, tmp_path: Path, frozen) -> None:
    source = make_team(db_url)
    fill(source, AWKWARD)
    export_json(source, "ada", tmp_path / "one.json")
    raw = (tmp_path / "one.json").read_text(encoding="utf-8")
    assert "🚀" in raw and "\u200f" in raw and "999999999.99" in raw and "[bold]x[/]" in raw
    assert "2026-11-25T14:00:00+00:00" in raw  # 09:00 at UTC-5, stored in UTC
    for other in (f"sqlite:///{tmp_path / 'copy.db'}",):
        copy = open_store(other, check_schema=False)
        restore(copy, tmp_path / "one.json")
        export_json(copy, "ada", tmp_path / "two.json")
        assert (tmp_path / "two.json").read_bytes() == (tmp_path / "one.json").read_bytes()
        with copy.session() as s:
            assert s.scalar(select(func.sum(Deal.value))) == sum(
                Decimal(v) for v in ("0.01", "999999999.99", "12500.50", "7", "1234.5", "0")
            )
        copy.dispose()
    source.dispose()


def test_sqlite_to_postgres_and_back(pg_url: str, tmp_path: Path, frozen) -> None:
    source = make_team(f"sqlite:///{tmp_path / 'src.db'}")
    fill(source, AWKWARD)
    export_json(source, "ada", tmp_path / "one.json")
    pg = open_store(pg_url, check_schema=False)
    restore(pg, tmp_path / "one.json")
    export_json(pg, "ada", tmp_path / "two.json")
    back = open_store(f"sqlite:///{tmp_path / 'back.db'}", check_schema=False)
    restore(back, tmp_path / "two.json")
    export_json(back, "ada", tmp_path / "three.json")
    one = (tmp_path / "one.json").read_bytes()
    assert one == (tmp_path / "two.json").read_bytes() == (tmp_path / "three.json").read_bytes()
    for store in (source, pg, back):
        store.dispose()


text_strategy = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00"), min_size=1, max_size=60
).filter(lambda t: t.strip() != "")


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store with the test team and an empty store with the schema, to copy."""
    folder = tmp_path_factory.mktemp("templates")
    make_team(f"sqlite:///{folder / 'team.db'}").dispose()
    empty = open_store(f"sqlite:///{folder / 'empty.db'}", check_schema=False)
    empty.upgrade()
    empty.dispose()
    return folder / "team.db", folder / "empty.db"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(text_strategy, min_size=1, max_size=4))
def test_any_unicode_round_trips(
    tmp_path_factory: pytest.TempPathFactory, templates: tuple[Path, Path], texts: list[str]
) -> None:
    import shutil

    folder = tmp_path_factory.mktemp("uni")
    shutil.copy(templates[0], folder / "a.db")
    shutil.copy(templates[1], folder / "b.db")
    source = open_store(f"sqlite:///{folder / 'a.db'}")
    teams = Team.__table__
    assert isinstance(teams, Table)
    with unit_of_work(source, "ada") as uow:
        for text in texts:
            uow.add("note", Note(team_id=uow.actor.team_id, author_id=uow.actor.member_id, text=text))
            uow.session.execute(teams.update().values(name=text[:120]))
    export_json(source, "ada", folder / "one.json")
    copy = open_store(f"sqlite:///{folder / 'b.db'}")
    restore(copy, folder / "one.json")
    export_json(copy, "ada", folder / "two.json")
    assert (folder / "one.json").read_bytes() == (folder / "two.json").read_bytes()
    with copy.session() as s:
        assert list(s.scalars(select(Note.text).order_by(Note.id))) == texts
    source.dispose()
    copy.dispose()


def test_only_managers_and_admins_export(tmp_path: Path, frozen) -> None:
    store = make_team(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(PermissionDenied, match="manager or admin"):
        export_json(store, "rita", tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()
    export_json(store, "max", tmp_path / "x.json")
    store.dispose()


def test_csv_export_neutralises_formulas(tmp_path: Path, frozen) -> None:
    store = make_team(f"sqlite:///{tmp_path / 's.db'}")
    for title in ("=cmd|' /C calc'!A0", "+1+1", "@SUM(A1:A9)", "-2+3", "Plain deal"):
        add_deal(store, "ada", title=title, account="Acme", value="10", owner="rita")
    summary = export_csv(store, "ada", tmp_path / "out")
    assert summary.rows["deals"] == 5
    with (tmp_path / "out" / "deals.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    titles = [r["title"] for r in rows]
    assert titles == ["'=cmd|' /C calc'!A0", "'+1+1", "'@SUM(A1:A9)", "'-2+3", "Plain deal"]
    assert all(r["value"] == "10.00" for r in rows)
    assert (tmp_path / "out" / "changes.csv").exists()
    store.dispose()


def test_dumps_is_valid_json_for_empty_tables() -> None:
    doc = {
        "format": "salessprint-backup",
        "version": 1,
        "tables": {"a": {"columns": ["id"], "rows": []}, "b": {"columns": ["x"], "rows": [[1], [2]]}},
    }
    assert json.loads(dumps(doc)) == doc
    assert dumps(doc).endswith(b"}\n")
    assert datetime(2026, 1, 1, tzinfo=UTC).isoformat() == "2026-01-01T00:00:00+00:00"


def test_a_backup_from_an_older_schema_restores_into_todays(demo_store, db_url: str, tmp_path: Path) -> None:
    """A backup written before migrations 0005-0009 (schema 0004: no card snapshots,
    forecast categories, ramps, archive) restores: that schema is built, its rows go
    in, and the migrations since fill the rest, as an upgrade would have."""
    from alembic import command
    from sqlalchemy import inspect

    from salessprint.services.reports.velocity import velocity
    from salessprint.store.db import Store

    scratch = Store(f"sqlite:///{tmp_path / 'at-0004.db'}")
    command.upgrade(scratch.alembic_config(), "0004")
    then = {
        name: [c["name"] for c in inspect(scratch.engine).get_columns(name)]
        for name in inspect(scratch.engine).get_table_names()
    }
    scratch.dispose()
    export_json(demo_store, "maria", tmp_path / "today.json")
    today = json.loads((tmp_path / "today.json").read_text(encoding="utf-8"))
    old = {**today, "schema": "0004", "tables": {}}
    for name, block in today["tables"].items():
        if name not in then:
            continue
        keep = [i for i, c in enumerate(block["columns"]) if c in then[name]]
        old["tables"][name] = {
            "columns": [block["columns"][i] for i in keep],
            "rows": [[row[i] for i in keep] for row in block["rows"]],
        }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    target = open_store(db_url, check_schema=False)
    try:
        summary = restore(target, path)
        assert summary.team == "Northwind Field Sales"
        assert velocity(target, "maria") == velocity(demo_store, "maria")
        with unit_of_work(target, "maria", read_only=True) as uow:
            assert uow.session.scalar(select(func.count()).select_from(Deal)) == len(today["tables"]["deals"]["rows"])
    finally:
        target.dispose()
    lacking = {**old, "tables": {n: b for n, b in old["tables"].items() if n != "notes"}}
    path.write_text(json.dumps(lacking), encoding="utf-8")
    again = open_store(f"sqlite:///{tmp_path / 'again.db'}", check_schema=False)
    try:
        with pytest.raises(Exception, match="lacks the tables notes"):
            restore(again, path)
    finally:
        again.dispose()
