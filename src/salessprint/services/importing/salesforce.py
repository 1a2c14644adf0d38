"""Salesforce Opportunity exports: Data Loader / Bulk API files (API field
names, 18-character ids, `2024-01-22T16:14:25.000+0000`) and report exports
(labels such as 'Opportunity Name'), with or without BOM, ISO or Excel-style
dates, 1/TRUE booleans, amounts with currency symbols.

Beside the Opportunity file, when present: Account.csv (account names and
industries for AccountId) and OpportunityHistory.csv (each stage a deal
entered, and when: it becomes the deal's history). Rows marked IsDeleted are
skipped. Without an owner name column the deals belong to the importer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salessprint.services.importing.common import (
    AccountRow,
    ErrorList,
    HistoryRow,
    Parsed,
    beside,
    build,
    crm_bool,
    crm_datetime,
    read_csv,
)
from salessprint.services.importing.generic import Layout, merge, read_deals

LAYOUT = Layout(
    {
        "external_id": ("Id", "Opportunity ID", "Opportunity Id", "OpportunityId"),
        "title": ("Name", "Opportunity Name"),
        "stage": ("StageName", "Stage"),
        "value": ("Amount", "Amount (converted)"),
        "account": ("Account.Name", "Account Name", "AccountId", "Account ID"),
        "owner": ("Owner.Name", "Opportunity Owner", "Owner Name", "Owner Full Name"),
        "started_on": ("CreatedDate", "Created Date"),
        "expected_close": ("CloseDate", "Close Date"),
        "probability": ("Probability", "Probability (%)"),
        "next_step": ("NextStep", "Next Step"),
        "product": ("Product__c", "Product"),
        "is_closed": ("IsClosed", "Closed"),
        "is_won": ("IsWon", "Won"),
        "is_deleted": ("IsDeleted",),
        "lost_reason": ("Loss_Reason__c", "Loss Reason"),
    },
    stage_order=(
        "Prospecting",
        "Qualification",
        "Needs Analysis",
        "Value Proposition",
        "Id. Decision Makers",
        "Perception Analysis",
        "Proposal/Price Quote",
        "Negotiation/Review",
    ),
)


def _accounts(path: Path, errors: ErrorList, parsed: Parsed) -> dict[str, str]:
    afile = beside(path, "Account.csv", "Accounts.csv")
    if afile is None:
        return {}
    table = read_csv(afile, required=("Id", "Name"), errors=errors)
    parsed.files.append(afile.name)
    names: dict[str, str] = {}
    for row in table.rows:
        v = row.values
        try:
            if crm_bool(v.get("IsDeleted", "")):
                continue
        except ValueError as exc:
            errors.add(afile.name, row.line, "IsDeleted", str(exc))
            continue
        acc = build(
            AccountRow,
            errors,
            afile.name,
            row.line,
            {"name": "Name", "external_id": "Id", "sector": "Industry", "territory": "BillingCountry"},
            name=v["Name"],
            external_id=v["Id"],
            sector=v.get("Industry") or None,
            territory=v.get("BillingCountry") or v.get("BillingState") or None,
        )
        if acc is not None:
            parsed.accounts.append(acc)
            names[v["Id"].strip()] = acc.name
    return names


def _history(path: Path, errors: ErrorList, parsed: Parsed) -> None:
    hfile = beside(path, "OpportunityHistory.csv")
    if hfile is None:
        return
    table = read_csv(hfile, required=("OpportunityId", "CreatedDate", "StageName"), errors=errors)
    parsed.files.append(hfile.name)
    known = parsed.deals.ids
    for row in table.rows:
        v = row.values
        try:
            if crm_bool(v.get("IsDeleted", "")):
                continue
            at = crm_datetime(v["CreatedDate"])
        except ValueError as exc:
            errors.add(hfile.name, row.line, "CreatedDate", str(exc))
            continue
        if at is None:
            errors.add(hfile.name, row.line, "CreatedDate", "is empty but required")
            continue
        opp = v["OpportunityId"].strip()
        if opp not in known:
            errors.add(hfile.name, row.line, "OpportunityId", f"'{opp[:40]}' is not in {path.name}")
            continue
        item = build(
            HistoryRow,
            errors,
            hfile.name,
            row.line,
            {"deal_external_id": "OpportunityId", "stage": "StageName", "at": "CreatedDate"},
            deal_external_id=opp,
            at=at,
            stage=v["StageName"],
        )
        if item is not None:
            parsed.history.append(item)


def read(path: Path, mapping: dict[str, Any] | None = None) -> Parsed:
    errors = ErrorList()
    scratch = Parsed(source="salesforce", files=[])
    names = _accounts(path, errors, scratch)
    parsed = read_deals(path, merge(LAYOUT, mapping), "salesforce", errors, account_names=names)
    parsed.files += scratch.files
    parsed.accounts = scratch.accounts
    _history(path, errors, parsed)
    errors.raise_if_any()
    return parsed
