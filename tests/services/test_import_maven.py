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
    from salessprint.services.reports.pipeline import pipeline

    with clock.freeze(FROZEN_NOW):
        by_manager = pipeline(pg, "boss", start=WIDE[0], end=WIDE[1], by="manager")
        past = pipeline(pg, "boss", start=date(2017, 1, 1), end=date(2017, 3, 31), by="territory")
    assert report_groups(by_manager) == csv_pipeline(lambda a: a["manager"])
    assert report_groups(past) == csv_pipeline(
        lambda a: a["regional_office"], as_of=date(2017, 3, 31), start=date(2017, 1, 1), end=date(2017, 3, 31)
    )
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


# --- issue 12: per rep and per manager / regional office, to the cent, from the CSV alone ---

TEAMS = MAVEN / "sales_teams.csv"
PRODUCTS = MAVEN / "products.csv"
WIDE = (date(2016, 1, 1), date(2026, 12, 31))
"""Every deal closed, and the open pipeline as of today (the frozen 2026-11-26)."""


def _half_up(value: Decimal, quantum: str) -> Decimal:
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        return value.quantize(Decimal(quantum), rounding=ROUND_HALF_UP)


def _exact(numerator: Decimal, denominator: Decimal) -> Decimal:
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        return numerator / denominator


def csv_pipeline(
    group_of: Any, as_of: date | None = None, start: date = WIDE[0], end: date = WIDE[1]
) -> dict[str, Any]:
    """The pipeline figures per group (group_of(agent row) -> key), straight from the files:
    deals closed in [start, end]; deals open today, or, `as_of` a past day, the deals engaged
    by then and not yet closed (all in Engaging then, the stage they were engaged in)."""
    with PRODUCTS.open(newline="", encoding="utf-8") as fh:
        price = {r["product"].replace(" ", ""): Decimal(r["sales_price"]) for r in csv.DictReader(fh)}
    with TEAMS.open(newline="", encoding="utf-8") as fh:
        agents = {r["sales_agent"]: r for r in csv.DictReader(fh)}
    probability = {"Prospecting": 10, "Engaging": 50}
    g: dict[str, dict[str, Any]] = defaultdict(
        lambda: {
            "won": 0,
            "lost": 0,
            "won_value": Decimal(0),
            "days": 0,
            "open": 0,
            "open_value": Decimal(0),
            "weighted": Decimal(0),
            "qualified": 0,
            "rotting": 0,
        }
    )
    with PIPELINE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            f = g[group_of(agents[row["sales_agent"]])]
            stage = row["deal_stage"]
            engaged = date.fromisoformat(row["engage_date"]) if row["engage_date"] else None
            closed = date.fromisoformat(row["close_date"]) if row["close_date"] else None
            if closed is not None and start <= closed <= end:
                if stage == "Won":
                    f["won"] += 1
                    f["won_value"] += Decimal(row["close_value"])
                    f["days"] += (closed - engaged).days  # type: ignore[operator]
                else:
                    f["lost"] += 1
            if as_of is None:
                if stage in probability:
                    value = (
                        Decimal(row["close_value"]) if row["close_value"] else price[row["product"].replace(" ", "")]
                    )
                    f["open"] += 1
                    f["open_value"] += value
                    f["weighted"] += value * probability[stage] / 100
                    f["qualified"] += stage == "Engaging"
                    # today: Engaging deals entered their stage on their engage date, years ago;
                    # Prospecting ones on the import day
                    f["rotting"] += stage == "Engaging"
            elif engaged is not None and engaged <= as_of and (closed is None or closed > as_of):
                value = Decimal(row["close_value"]) if row["close_value"] else price[row["product"].replace(" ", "")]
                f["open"] += 1
                f["open_value"] += value
                f["weighted"] += value * probability["Engaging"] / 100
                f["qualified"] += 1
                # in Engaging since the engage date's midnight: over 21 days before the day's end
                f["rotting"] += (as_of - engaged).days >= 21
    out: dict[str, Any] = {}
    for key, f in g.items():
        closed_n = f["won"] + f["lost"]
        velocity = None
        if f["won"] and f["days"]:
            velocity = _half_up(
                _exact(Decimal(f["qualified"] * f["won"]) * f["won_value"], Decimal(closed_n * f["days"])), "0.01"
            )
        out[key] = {
            "won_deals": f["won"],
            "lost_deals": f["lost"],
            "won_value": _half_up(f["won_value"], "0.01"),
            "win_rate": _half_up(_exact(Decimal(100 * f["won"]), Decimal(closed_n)), "0.1") if closed_n else None,
            "average_won_value": _half_up(_exact(f["won_value"], Decimal(f["won"])), "0.01") if f["won"] else None,
            "average_cycle_days": _half_up(_exact(Decimal(f["days"]), Decimal(f["won"])), "0.1") if f["won"] else None,
            "open_deals": f["open"],
            "open_value": _half_up(f["open_value"], "0.01"),
            "qualified_open_deals": f["qualified"],
            "weighted_value": _half_up(f["weighted"], "0.01"),
            "pipeline_velocity": velocity,
            "rotting_deals": f["rotting"],
        }
    return out


def report_groups(report: Any) -> dict[str, Any]:
    return {g.name: {k: getattr(g, k) for k in next(iter(csv_pipeline(lambda a: "x").values()))} for g in report.groups}


def test_maven_pipeline_per_rep_equals_the_csv(maven_store) -> None:
    from salessprint.services.reports.pipeline import pipeline

    store, _result, _seconds = maven_store
    with clock.freeze(FROZEN_NOW):
        report = pipeline(store, "boss", start=WIDE[0], end=WIDE[1], by="member")
    expected = csv_pipeline(lambda a: a["sales_agent"])
    got = report_groups(report)
    for agent, figures in expected.items():
        assert got[agent] == figures, agent
    # every agent of sales_teams.csv is listed; those with no deal in the files with nothing
    with TEAMS.open(newline="", encoding="utf-8") as fh:
        agents = {r["sales_agent"] for r in csv.DictReader(fh)}
    assert set(got) == agents and "Carl Lin" in agents - set(expected)
    for idle in agents - set(expected):
        assert (got[idle]["won_deals"], got[idle]["open_deals"], got[idle]["pipeline_velocity"]) == (0, 0, None)
    team = csv_pipeline(lambda a: "team")["team"]
    assert report.pipeline_velocity == team["pipeline_velocity"] == Decimal("45750.76")  # not 45,771.03
    assert (report.won_value, report.open_value) == (team["won_value"], team["open_value"])


def test_maven_pipeline_per_manager_and_regional_office_equals_the_csv(maven_store) -> None:
    from salessprint.services.reports.pipeline import pipeline

    store, _result, _seconds = maven_store
    with clock.freeze(FROZEN_NOW):
        by_manager = pipeline(store, "boss", start=WIDE[0], end=WIDE[1], by="manager")
        by_office = pipeline(store, "boss", start=WIDE[0], end=WIDE[1], by="territory")
    assert report_groups(by_manager) == csv_pipeline(lambda a: a["manager"])
    assert report_groups(by_office) == csv_pipeline(lambda a: a["regional_office"])
    assert len(by_manager.groups) == 6 and len(by_office.groups) == 3


def test_maven_pipeline_as_of_a_past_day_equals_the_csv(maven_store) -> None:
    """The first quarter of 2017, with the open pipeline as it stood on 31 March 2017."""
    from salessprint.services.reports.pipeline import pipeline

    store, _result, _seconds = maven_store
    q1 = (date(2017, 1, 1), date(2017, 3, 31))
    with clock.freeze(FROZEN_NOW):
        report = pipeline(store, "boss", start=q1[0], end=q1[1], by="manager")
        rep = pipeline(store, "boss", start=q1[0], end=q1[1], member="moses.frase")
    assert (report.open_as_of, report.open_as_of_today, report.open_note) == (q1[1], False, None)
    expected = csv_pipeline(lambda a: a["manager"], as_of=q1[1], start=q1[0], end=q1[1])
    assert report_groups(report) == expected
    moses = csv_pipeline(lambda a: a["sales_agent"], as_of=q1[1], start=q1[0], end=q1[1])["Moses Frase"]
    assert (rep.open_deals, rep.open_value, rep.won_value, rep.pipeline_velocity, rep.rotting.count) == (
        moses["open_deals"],
        moses["open_value"],
        moses["won_value"],
        moses["pipeline_velocity"],
        moses["rotting_deals"],
    )
