"""Salesforce, Pipedrive, HubSpot and mapped-CSV imports, and who may import."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from salessprint.domain.errors import InvalidInput, PermissionDenied, SalesSprintError
from salessprint.services import open_store
from salessprint.services.importing import import_deals
from salessprint.store.models import Account, Deal, DealEvent, Member, Stage
from tests.hostile.support import make_team

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "crm-exports"
POWERBI = DATA / "salesforce-powerbi-demo-opportunity-history"
WORKSHOP = DATA / "salesforce-sfdc-assets-data-cloud-workshop"
needs_data = pytest.mark.skipif(not POWERBI.exists(), reason="shared data set not beside the repo")


@pytest.fixture
def team_store(db_url: str, frozen):
    """Like conftest's team_store (admin ada, manager max, reps rita and rob)."""
    store = make_team(db_url)
    yield store
    store.dispose()


def deals_by_id(store) -> dict[str, Deal]:
    with store.session() as s:
        return {d.external_id: d for d in s.scalars(select(Deal))}


@needs_data
def test_salesforce_excel_export_with_history(team_store, tmp_path: Path) -> None:
    result = import_deals(team_store, "ada", POWERBI / "Opportunity.csv", "salesforce")
    assert result.deals_created == 36 and result.accounts_created == 18
    with (POWERBI / "Opportunity.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    deals = deals_by_id(team_store)
    with team_store.session() as s:
        kinds = {st.id: st.kind for st in s.scalars(select(Stage))}
        history = s.scalar(select(func.count()).select_from(DealEvent))
        names = set(s.scalars(select(Account.name)))
    assert sum(kinds[d.stage_id] == "won" for d in deals.values()) == sum(r["IsWon"] == "TRUE" for r in rows)
    assert sum(kinds[d.stage_id] == "lost" for d in deals.values()) == sum(
        r["IsClosed"] == "TRUE" and r["IsWon"] == "FALSE" for r in rows
    )
    express = deals["006bm00000LKJNPAA5"]
    assert express.title == "Express Logistics Standby Generator"
    assert express.value == Decimal("220000.00") and express.closed_on == date(2024, 2, 3)  # 02/03/24, US style
    assert "Edge Communications" in names  # AccountId resolved through Account.csv
    assert sum(d.value == 0 for d in deals.values()) == 5  # blank amounts
    assert history >= 48  # every OpportunityHistory row, plus the current stage where it differs
    owners = {d.owner_id for d in deals.values()}
    with team_store.session() as s:
        assert owners == {s.scalar(select(Member.id).where(Member.login == "ada"))}  # no owner column
    again = import_deals(team_store, "ada", POWERBI / "Opportunity.csv", "salesforce")
    assert (again.deals_created, again.deals_updated, again.deals_unchanged, again.events_created) == (0, 0, 36, 0)
    with team_store.session() as s:
        assert s.scalar(select(func.count()).select_from(DealEvent)) == history


@needs_data
def test_salesforce_data_loader_export_with_bom(team_store) -> None:
    result = import_deals(team_store, "ada", WORKSHOP / "Opportunity.csv", "salesforce")
    assert result.deals_created == 50
    deals = deals_by_id(team_store)
    first = deals["006Ec00000AieKFIAZ"]
    assert first.title == "Patterson-Hansen - Merchant Services - November 2024"
    assert first.value == Decimal("1124741.15") and first.expected_close == date(2024, 11, 10)
    assert first.product == "Merchant Services" and first.probability == 10
    with team_store.session() as s:
        stage_names = list(s.scalars(select(Stage.name).order_by(Stage.position)))
    assert {"Qualification", "Discovery", "Negotiation", "Proposal/Quote"} <= set(stage_names)
    assert stage_names[-2:] == ["Won", "Lost"]  # new open stages go before the closed ones
    again = import_deals(team_store, "ada", WORKSHOP / "Opportunity.csv", "salesforce")
    assert (again.deals_created, again.deals_unchanged) == (0, 50)


PIPEDRIVE = """Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Organization,Deal - Owner,Deal - Stage,Deal - Status,Deal - Deal created,Deal - Won time,Deal - Lost time,Deal - Expected close date,Deal - Lost reason
101,Acme renewal,"12,500.00",EUR,Acme GmbH,Rita Rep,Proposal Made,open,2026-10-01 09:12:00,,,2026-12-15,
102,Beta rollout,€4000,EUR,Beta AG,Rob Rep,Negotiations Started,won,2026-09-01 10:00:00,2026-11-02 16:00:00,,,
103,Gamma pilot,900,EUR,Gamma SA,Nina New,Qualified,lost,2026-08-01,,2026-10-10 08:00:00,,Too expensive
"""

HUBSPOT = """Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline,Create Date,Associated Company (Primary)
9001,Delta expansion,Contract Sent,2026-12-20,Rita Rep,15000,Sales Pipeline,2026-10-05 11:00,Delta Ltd
9002,Echo deal,Closed Won,2026-11-03,Rob Rep,$2500.50,Sales Pipeline,2026-09-05 11:00,Echo Inc
9003,Foxtrot,closedlost,2026-10-30,,,Sales Pipeline,2026-09-01,
"""


def test_pipedrive_export(team_store, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    result = import_deals(team_store, "ada", path, "pipedrive")
    assert result.deals_created == 3 and result.members_created == ["nina.new"]
    deals = deals_by_id(team_store)
    assert deals["101"].value == Decimal("12500.00") and deals["101"].closed_on is None
    assert deals["102"].value == Decimal("4000.00") and deals["102"].closed_on == date(2026, 11, 2)
    assert deals["103"].lost_reason == "Too expensive" and deals["103"].closed_on == date(2026, 10, 10)
    with team_store.session() as s:
        rita = s.scalar(select(Member.id).where(Member.login == "rita"))
        assert deals["101"].owner_id == rita  # matched on the full name


def test_hubspot_export(team_store, tmp_path: Path) -> None:
    path = tmp_path / "hubspot-crm-exports-all-deals.csv"
    path.write_text(HUBSPOT, encoding="utf-8")
    result = import_deals(team_store, "ada", path, "hubspot")
    assert result.deals_created == 3
    deals = deals_by_id(team_store)
    assert deals["9001"].expected_close == date(2026, 12, 20) and deals["9001"].closed_on is None
    assert deals["9002"].closed_on == date(2026, 11, 3) and deals["9002"].value == Decimal("2500.50")
    assert deals["9003"].closed_on == date(2026, 10, 30) and deals["9003"].value == 0
    with team_store.session() as s:
        stage = s.get(Stage, deals["9003"].stage_id)
        assert stage is not None and stage.kind == "lost"


def test_csv_with_mapping(team_store, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(
        "Ref;Name;Firm;Amount;Phase;Rep\n".replace(";", ",")
        + "A-1,Big deal,Acme,1000,Signed,Rita Rep\nA-2,Small deal,Beta,10,Talking,Rob Rep\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nexternal_id = "Ref"\ntitle = "Name"\naccount = "Firm"\nvalue = "Amount"\n'
        'stage = "Phase"\nowner = "Rep"\nclosed_on = "Closed"\n\n[stages]\nSigned = "won"\n',
        encoding="utf-8",
    )
    with pytest.raises(SalesSprintError, match="Closed"):  # a mapped column that is not in the file
        import_deals(team_store, "ada", path, "csv", mapping=mapping)
    mapping.write_text(mapping.read_text().replace('closed_on = "Closed"\n', ""), encoding="utf-8")
    with pytest.raises(SalesSprintError, match="close date"):  # won needs a date
        import_deals(team_store, "ada", path, "csv", mapping=mapping)
    path.write_text(
        path.read_text()
        .replace("Phase,Rep", "Phase,Rep,Closed")
        .replace("Rita Rep", "Rita Rep,2026-11-20")
        .replace("Rob Rep", "Rob Rep,"),
        encoding="utf-8",
    )
    mapping.write_text(mapping.read_text() + "", encoding="utf-8")
    mapping.write_text(
        mapping.read_text().replace('owner = "Rep"', 'owner = "Rep"\nclosed_on = "Closed"'), encoding="utf-8"
    )
    result = import_deals(team_store, "ada", path, "csv", mapping=mapping)
    assert result.deals_created == 2 and result.stages_created == ["Talking"]
    deals = deals_by_id(team_store)
    assert deals["A-1"].closed_on == date(2026, 11, 20)


def test_csv_needs_a_mapping(team_store, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="--mapping"):
        import_deals(team_store, "ada", path, "csv")
    bad = tmp_path / "m.toml"
    bad.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        import_deals(team_store, "ada", path, "csv", mapping=bad)
    bad.write_text('[columns]\nwhatever = "a"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="unknown field whatever"):
        import_deals(team_store, "ada", path, "csv", mapping=bad)


def test_only_an_admin_may_import(team_store, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    for login in ("rita", "max"):
        with pytest.raises(PermissionDenied, match="admin"):
            import_deals(team_store, login, path, "pipedrive")
    with pytest.raises(SalesSprintError, match="--as"):
        import_deals(team_store, None, path, "pipedrive")
    with pytest.raises(SalesSprintError, match="already holds the team"):
        import_deals(team_store, "ada", path, "pipedrive", team_name="Another")


def test_empty_store_needs_a_team_name(tmp_path: Path, frozen) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(PIPEDRIVE, encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}", check_schema=False)
    with pytest.raises(SalesSprintError, match="--team NAME"):
        import_deals(store, "me", path, "pipedrive")
    with pytest.raises(SalesSprintError, match="--as LOGIN"):
        import_deals(store, None, path, "pipedrive", team_name="New")
    dry = import_deals(store, "me", path, "pipedrive", team_name="New", dry_run=True)
    assert dry.dry_run and dry.team_created and dry.deals_created == 3
    assert store.schema_state().empty  # a dry run into an empty store leaves it empty
    fresh = tmp_path / "never.db"
    other = open_store(f"sqlite:///{fresh}", check_schema=False)
    assert import_deals(other, "me", path, "pipedrive", team_name="New", dry_run=True).deals_created == 3
    assert not fresh.exists()  # not even the file is created
    other.dispose()
    real = import_deals(store, "me", path, "pipedrive", team_name="New")
    assert real.deals_created == 3
    with store.session() as s:
        me = s.scalar(select(Member).where(Member.login == "me"))
        assert me is not None and me.role == "admin"
        stages = list(s.scalars(select(Stage.name).order_by(Stage.position)))
    assert stages[-2:] == ["Won", "Lost"] and "Proposal Made" in stages
    store.dispose()


SALESFORCE_REPORT = """\ufeff"Opportunity Name","Account Name","Stage","Amount","Close Date","Created Date","Opportunity Owner","Probability (%)","Opportunity ID"
"Acme - 200 units","Acme","Prospecting","USD 1,234.00","1/22/2024","1/2/2024","Rita Rep","10","0065g00000AAAAA"
"Beta - renewal","Beta","Closed Won","USD 20,000.50","2/3/2024","1/5/2024","Rob Rep","100","0065g00000BBBBB"
"Gamma","Gamma","prospecting","","3/3/2024","1/5/2024","Rob Rep","10","0065g00000CCCCC"
"Stray cell"

"Grand Totals (3 records)"

"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."
"Confidential Information - Do Not Distribute"
"Generated By:  Rita Rep  2/26/2024 10:01 AM"
"Acme Corp"
"""


def test_salesforce_report_export_with_footer(team_store, tmp_path: Path) -> None:
    path = tmp_path / "report1700000000000.csv"
    path.write_text(SALESFORCE_REPORT.replace("\n", "\r\n"), encoding="utf-8")
    with pytest.raises(SalesSprintError, match=r"report1700000000000.csv:5: row: has 1 cells but the header has 9"):
        import_deals(team_store, "ada", path, "salesforce")  # a stray cell before the footer is refused
    path.write_text(SALESFORCE_REPORT.replace('"Stray cell"\n', "").replace("\n", "\r\n"), encoding="utf-8")
    result = import_deals(team_store, "ada", path, "salesforce")
    assert result.deals_created == 3 and result.stages_created == ["Prospecting"]  # matched case-insensitively
    deals = deals_by_id(team_store)
    assert deals["0065g00000AAAAA"].value == Decimal("1234.00")
    assert deals["0065g00000BBBBB"].closed_on == date(2024, 2, 3)
    assert deals["0065g00000AAAAA"].stage_id == deals["0065g00000CCCCC"].stage_id
