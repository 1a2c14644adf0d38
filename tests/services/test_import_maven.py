"""Importing the Maven 'CRM Sales Opportunities' data set: the imported team's
figures equal those computed straight from the CSV files."""

from __future__ import annotations

import csv
import shutil
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import case, func, select

from salessprint.domain import clock
from salessprint.services import open_store
from salessprint.services.importing import import_deals
from salessprint.store.models import Account, Change, Deal, DealEvent, Member, Stage, Team
from tests.conftest import FROZEN_NOW

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
MAVEN = DATA / "crm-sales-opportunities"
PIPELINE = MAVEN / "sales_pipeline.csv"

pytestmark = pytest.mark.skipif(not PIPELINE.exists(), reason="shared data set not beside the repo")


def quarter(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def csv_figures() -> dict[str, dict[Any, Any]]:
    """Per agent, straight from sales_pipeline.csv with the csv module."""
    won_value: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    won_count: dict[tuple[str, str], int] = defaultdict(int)
    won: dict[str, int] = defaultdict(int)
    lost: dict[str, int] = defaultdict(int)
    total: dict[str, Decimal] = defaultdict(Decimal)
    cycle: dict[str, int] = defaultdict(int)
    with PIPELINE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            agent = row["sales_agent"]
            if row["deal_stage"] == "Won":
                closed = date.fromisoformat(row["close_date"])
                key = (agent, quarter(closed))
                won_value[key] += Decimal(row["close_value"])
                won_count[key] += 1
                won[agent] += 1
                total[agent] += Decimal(row["close_value"])
                cycle[agent] += (closed - date.fromisoformat(row["engage_date"])).days
            elif row["deal_stage"] == "Lost":
                lost[agent] += 1
    return {
        "won_value": dict(won_value),
        "won_count": dict(won_count),
        "win_rate": {a: round(Decimal(won[a]) / (won[a] + lost[a]), 6) for a in won},
        "avg_won": {a: (total[a] / won[a]).quantize(Decimal("0.01")) for a in won},
        "cycle": {a: round(Decimal(cycle[a]) / won[a], 4) for a in won},
    }


def store_figures(store) -> dict[str, dict[Any, Any]]:
    """The same figures from the store, by SQL aggregates."""
    with store.session() as s:
        won = Stage.kind == "won"
        rows = s.execute(
            select(Member.name, Deal.closed_on, Deal.value, Deal.started_on)
            .join(Member, Member.id == Deal.owner_id)
            .join(Stage, Stage.id == Deal.stage_id)
            .where(won)
        ).all()
        per_agent = s.execute(
            select(
                Member.name,
                func.sum(case((Stage.kind == "won", 1), else_=0)),
                func.sum(case((Stage.kind == "lost", 1), else_=0)),
                func.sum(case((Stage.kind == "won", Deal.value), else_=0)),
            )
            .join(Member, Member.id == Deal.owner_id)
            .join(Stage, Stage.id == Deal.stage_id)
            .group_by(Member.name)
        ).all()
    won_value: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    won_count: dict[tuple[str, str], int] = defaultdict(int)
    cycle: dict[str, int] = defaultdict(int)
    for name, closed, value, started in rows:
        won_value[(name, quarter(closed))] += value
        won_count[(name, quarter(closed))] += 1
        cycle[name] += (closed - started).days
    figures: dict[str, dict[Any, Any]] = {
        "won_value": dict(won_value),
        "won_count": dict(won_count),
        "win_rate": {},
        "avg_won": {},
        "cycle": {},
    }
    for name, n_won, n_lost, _value in per_agent:
        if not n_won:
            continue
        total = sum((v for (a, _q), v in won_value.items() if a == name), Decimal(0))
        figures["win_rate"][name] = round(Decimal(n_won) / (n_won + n_lost), 6)
        figures["avg_won"][name] = (total / n_won).quantize(Decimal("0.01"))
        figures["cycle"][name] = round(Decimal(cycle[name]) / n_won, 4)
    return figures


@pytest.fixture(scope="module")
def maven_store(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("maven") / "maven.db"
    store = open_store(f"sqlite:///{path}", check_schema=False)
    with clock.freeze(FROZEN_NOW):
        started = time.perf_counter()
        result = import_deals(store, "boss", PIPELINE, "maven", team_name="Maven Hardware")
        seconds = time.perf_counter() - started
    print(f"\nmaven import: {seconds:.2f} s for {result.deals_created} deals")
    yield store, result, seconds
    store.dispose()


def test_maven_import_creates_the_team_with_everyone(maven_store) -> None:
    store, result, seconds = maven_store
    assert result.team_created and result.deals_created == 8800
    assert seconds < 60  # the target is 5 s on an idle machine; CI shares its cores
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Deal)) == 8800
        assert s.scalar(select(Team.currency)) == "USD"
        members = {m.name: m for m in s.scalars(select(Member))}
        assert len(members) == 35 + 6 + 1  # agents, managers, the importing admin
        boss = s.scalar(select(Member).where(Member.login == "boss"))
        assert boss is not None and boss.role == "admin"
        moses = members["Moses Frase"]
        assert moses.role == "rep" and moses.territory == "Central"
        assert members["Dustin Brinkmann"].role == "manager"
        assert moses.manager_id == members["Dustin Brinkmann"].id
        assert "Carl Lin" in members  # an agent without deals is still on the team
        assert s.scalar(select(func.count()).select_from(Account)) == 85 + 1  # plus '(no account)'
        acme = s.scalar(select(Account).where(Account.name == "Acme Corporation"))
        assert acme is not None and acme.sector == "technolgy" and acme.territory == "United States"
        stages = list(s.scalars(select(Stage.name).order_by(Stage.position)))
        assert stages == ["Prospecting", "Engaging", "Won", "Lost"]
        by_stage = dict(
            s.execute(select(Stage.name, func.count()).join(Deal, Deal.stage_id == Stage.id).group_by(Stage.name)).all()
        )
        assert by_stage == {"Won": 4238, "Lost": 2473, "Engaging": 1589, "Prospecting": 500}
        products = set(s.scalars(select(Deal.product).distinct()))
        assert "GTXPro" not in products and "GTX Pro" in products
        assert s.scalar(select(func.count()).select_from(Change).where(Change.entity == "deal")) == 8800


def test_maven_figures_equal_the_csv(maven_store) -> None:
    store, _result, _seconds = maven_store
    expected = csv_figures()
    actual = store_figures(store)
    assert actual["won_value"] == expected["won_value"]
    assert actual["won_count"] == expected["won_count"]
    assert actual["win_rate"] == expected["win_rate"]
    assert actual["avg_won"] == expected["avg_won"]
    assert actual["cycle"] == expected["cycle"]
    assert sum(expected["won_value"].values()) == Decimal(10005534)


def test_maven_deal_dates_and_history(maven_store) -> None:
    store, _result, _seconds = maven_store
    with store.session() as s:
        deal = s.scalar(select(Deal).where(Deal.external_id == "1C1I7A6R"))
        assert deal is not None
        assert deal.title == "GTX Plus Basic for Cancity"
        assert (deal.started_on, deal.closed_on, deal.value) == (
            date(2016, 10, 20),
            date(2017, 3, 1),
            Decimal("1054.00"),
        )
        events = [
            (e.old, e.new, e.at.date())
            for e in s.scalars(select(DealEvent).where(DealEvent.deal_id == deal.id).order_by(DealEvent.at))
        ]
        assert events == [(None, "Engaging", date(2016, 10, 20)), ("Engaging", "Won", date(2017, 3, 1))]
        prospect = s.scalar(select(Deal).join(Stage).where(Stage.name == "Prospecting").limit(1))
        assert prospect is not None and prospect.closed_on is None
        assert prospect.started_on == FROZEN_NOW.date()  # Prospecting deals have no engage date
        nothing = s.scalar(select(func.count()).select_from(Deal).join(Account).where(Account.name == "(no account)"))
        assert nothing == 1425


def test_reimport_changes_nothing(maven_store) -> None:
    store, _result, _seconds = maven_store
    with clock.freeze(FROZEN_NOW):
        again = import_deals(store, "boss", PIPELINE, "maven")
    assert (again.deals_created, again.deals_updated, again.deals_unchanged) == (0, 0, 8800)
    assert again.members_created == [] and again.accounts_created == 0


@pytest.mark.postgres
def test_move_the_imported_team_to_postgres(maven_store, pg_url: str, tmp_path: Path) -> None:
    """The whole imported team, embedded store -> PostgreSQL, byte for byte."""
    from salessprint.services.backup import export_json, restore

    store, _result, _seconds = maven_store
    export_json(store, "boss", tmp_path / "maven.json")
    pg = open_store(pg_url, check_schema=False)
    summary = restore(pg, tmp_path / "maven.json")
    assert summary.rows["deals"] == 8800
    export_json(pg, "boss", tmp_path / "again.json")
    assert (tmp_path / "maven.json").read_bytes() == (tmp_path / "again.json").read_bytes()
    assert store_figures(pg) == csv_figures()
    pg.dispose()


def small_maven(folder: Path, rows: int = 120, *, teams: bool = True) -> Path:
    """The first `rows` deals of the data set (plus its side files) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = PIPELINE.read_text(encoding="utf-8").splitlines(keepends=True)
    target = folder / "sales_pipeline.csv"
    target.write_text("".join(lines[: rows + 1]), encoding="utf-8", newline="")
    for name in (["sales_teams.csv"] if teams else []) + ["accounts.csv", "products.csv"]:
        shutil.copy(MAVEN / name, folder / name)
    return target


def test_reimport_updates_and_dry_run_reports(db_url: str, tmp_path: Path, frozen) -> None:
    store = open_store(db_url, check_schema=False)
    pipeline = small_maven(tmp_path / "in")
    first = import_deals(store, "boss", pipeline, "maven", team_name="Small")
    assert first.deals_created == 120
    text = pipeline.read_text(encoding="utf-8")
    # the second deal (Z063OYW0) was won for 4514: say 4600 instead; a new deal is added
    changed = text.replace(
        "Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,2016-10-25,2017-03-11,4514",
        "Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,2016-10-25,2017-03-11,4600",
    )
    changed += "NEW00001,Zane Levy,MG Special,Hatfan,Engaging,2017-05-01,,\r\n"
    assert changed != text
    pipeline.write_text(changed, encoding="utf-8", newline="")
    dry = import_deals(store, "boss", pipeline, "maven", dry_run=True)
    assert dry.dry_run and (dry.deals_created, dry.deals_updated, dry.deals_unchanged) == (1, 1, 119)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Deal)) == 120
        assert s.scalar(select(Deal.value).where(Deal.external_id == "Z063OYW0")) == Decimal("4514.00")
    real = import_deals(store, "boss", pipeline, "maven")
    assert (real.deals_created, real.deals_updated, real.deals_unchanged) == (1, 1, 119)
    with store.session() as s:
        deal = s.scalar(select(Deal).where(Deal.external_id == "Z063OYW0"))
        assert deal is not None and deal.value == Decimal("4600.00") and deal.version == 2
        new = s.scalar(select(Deal).where(Deal.external_id == "NEW00001"))
        assert new is not None and new.value == Decimal("55.00")  # an open deal is worth its list price
        change = s.scalar(select(Change).where(Change.entity_id == deal.id, Change.action == "update"))
        assert change is not None and change.before is not None and change.after is not None
        assert change.before["value"] == "4514.00" and change.after["value"] == "4600.00"
        assert (change.before["version"], change.after["version"]) == (1, 2)
        assert {k for k in change.before if change.before[k] != change.after[k]} == {"value", "version"}
        created = s.scalar(select(Change).where(Change.entity_id == new.id, Change.action == "create"))
        assert created is not None and created.after is not None
        assert created.after["external_id"] == "NEW00001" and created.after["value"] == "55.00"
    store.dispose()


def test_without_sales_teams_agents_come_from_the_pipeline(tmp_path: Path, frozen) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}", check_schema=False)
    pipeline = small_maven(tmp_path / "in", rows=50, teams=False)
    import_deals(store, "boss", pipeline, "maven", team_name="Small")
    with store.session() as s:
        names = set(s.scalars(select(Member.name).where(Member.role == "rep")))
        with pipeline.open(newline="", encoding="utf-8") as fh:
            agents = {row["sales_agent"] for row in csv.DictReader(fh)}
        assert names == agents
        assert s.scalar(select(func.count()).select_from(Member).where(Member.role == "manager")) == 0
    store.dispose()
