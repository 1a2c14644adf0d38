"""The Maven Analytics "CRM Sales Opportunities" export (sales_pipeline.csv).

Beside the pipeline file, when present: sales_teams.csv (agents, their
managers and regional offices, which become reps, managers and territories),
accounts.csv (sector, office location) and products.csv (list prices, and the
canonical product spelling: the pipeline says 'GTXPro', products.csv 'GTX Pro').

engage_date is the deal's start and close_date its won/lost date;
Prospecting and Engaging are open stages. Open deals carry no value in the
file; they get their product's list price when products.csv gives one.
Deals without an account go to the account '(no account)'.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from salessprint.services.importing.common import (
    AccountRow,
    CsvRow,
    DealRow,
    Deals,
    ErrorList,
    MemberRow,
    Parsed,
    beside,
    build,
    crm_date,
    crm_money,
    parse_cells,
    read_csv,
    text,
)

COLUMNS = (
    "opportunity_id",
    "sales_agent",
    "product",
    "account",
    "deal_stage",
    "engage_date",
    "close_date",
    "close_value",
)
STAGES = {
    "prospecting": ("Prospecting", "open"),
    "engaging": ("Engaging", "open"),
    "won": ("Won", "won"),
    "lost": ("Lost", "lost"),
}
OPEN_STAGES = [("Prospecting", 10), ("Engaging", 50)]
NO_ACCOUNT = "(no account)"


def _squash(name: str) -> str:
    return "".join(name.lower().split())


def read(path: Path, mapping: dict[str, Any] | None = None) -> Parsed:
    errors = ErrorList()
    pipeline = read_csv(path, required=COLUMNS, errors=errors)
    parsed = Parsed(source="maven", files=[path.name], open_stages=list(OPEN_STAGES), entry_stage="Engaging")

    products: dict[str, tuple[str, Decimal | None]] = {}
    if (pfile := beside(path, "products.csv")) is not None:
        table = read_csv(pfile, required=("product",), errors=errors)
        parsed.files.append(pfile.name)
        for row in table.rows:
            name = text(row.values["product"])
            if not name:
                errors.add(pfile.name, row.line, "product", "is empty but required")
                continue
            try:
                price = crm_money(row.values.get("sales_price", ""))
            except ValueError as exc:
                errors.add(pfile.name, row.line, "sales_price", str(exc))
                continue
            products[_squash(name)] = (name, price)

    if (tfile := beside(path, "sales_teams.csv")) is not None:
        table = read_csv(tfile, required=("sales_agent",), errors=errors)
        parsed.files.append(tfile.name)
        managers: dict[str, str | None] = {}
        for row in table.rows:
            v = row.values
            office = text(v.get("regional_office", ""))
            manager = text(v.get("manager", ""))
            member = build(
                MemberRow,
                errors,
                tfile.name,
                row.line,
                {"name": "sales_agent", "manager": "manager", "territory": "regional_office"},
                name=v["sales_agent"],
                manager=manager,
                territory=office,
            )
            if member is not None:
                parsed.members.append(member)
            if manager and manager not in managers:
                managers[manager] = office
                boss = build(
                    MemberRow,
                    errors,
                    tfile.name,
                    row.line,
                    {"name": "manager", "territory": "regional_office"},
                    name=manager,
                    territory=office,
                    role="manager",
                )
                if boss is not None:
                    parsed.members.append(boss)
        parsed.notes.append(f"Team structure from {tfile.name}.")

    if (afile := beside(path, "accounts.csv")) is not None:
        table = read_csv(afile, required=("account",), errors=errors)
        parsed.files.append(afile.name)
        for row in table.rows:
            v = row.values
            acc = build(
                AccountRow,
                errors,
                afile.name,
                row.line,
                {"name": "account", "sector": "sector", "territory": "office_location"},
                name=v["account"],
                sector=v.get("sector"),
                territory=v.get("office_location"),
            )
            if acc is not None:
                parsed.accounts.append(acc)

    parsers = {
        "started_on": ("engage_date", crm_date),
        "closed_on": ("close_date", crm_date),
        "value": ("close_value", crm_money),
    }
    name = pipeline.name

    def rows(errors: ErrorList) -> Iterator[DealRow]:
        for row in pipeline.rows:
            if errors.full():
                errors.more = True
                break
            deal = _deal(row, errors)
            if deal is not None:
                yield deal

    def _deal(row: CsvRow, errors: ErrorList) -> DealRow | None:
        v = row.values
        stage_raw = v["deal_stage"].strip()
        stage = STAGES.get(stage_raw.lower())
        if stage is None:
            errors.add(
                name, row.line, "deal_stage", f"'{stage_raw[:60]}' is not one of Prospecting, Engaging, Won, Lost"
            )
            return None
        cells = parse_cells(errors, name, row.line, parsers, v)
        if cells is None:
            return None
        stage_name, outcome = stage
        product_raw = text(v["product"])
        product, price = products.get(_squash(product_raw), (product_raw, None)) if product_raw else (None, None)
        if outcome == "open":
            value = cells["value"] if cells["value"] is not None else (price or Decimal("0.00"))
            if cells["closed_on"] is not None:
                errors.add(name, row.line, "close_date", f"an open ({stage_name}) deal cannot have a close date")
                return None
        else:
            value = cells["value"]
            if cells["closed_on"] is None:
                errors.add(name, row.line, "close_date", f"a {stage_name} deal needs its close date")
                return None
            if value is None:
                errors.add(name, row.line, "close_value", f"a {stage_name} deal needs its close value (0 for lost)")
                return None
        if cells["started_on"] and cells["closed_on"] and cells["closed_on"] < cells["started_on"]:
            errors.add(name, row.line, "close_date", "is before the engage_date")
            return None
        account = text(v["account"])
        title = (
            f"{product or 'Deal'} for {account}" if account else f"{product or 'Deal'} ({text(v['opportunity_id'])})"
        )
        deal = build(
            DealRow,
            errors,
            name,
            row.line,
            {
                "external_id": "opportunity_id",
                "title": "product",
                "account": "account",
                "owner": "sales_agent",
                "product": "product",
                "stage": "deal_stage",
                "value": "close_value",
            },
            external_id=v["opportunity_id"],
            title=title,
            account=account or NO_ACCOUNT,
            value=value,
            stage=stage_name,
            outcome=outcome,
            owner=v["sales_agent"],
            started_on=cells["started_on"],
            closed_on=cells["closed_on"],
            product=product,
        )
        if deal is not None and deal.owner is None:
            errors.add(name, row.line, "sales_agent", "is empty but required")
            return None
        return deal

    parsed.deals = Deals(name, rows)
    for _deal_row in parsed.deals.survey(errors):
        pass
    errors.raise_if_any()
    return parsed
