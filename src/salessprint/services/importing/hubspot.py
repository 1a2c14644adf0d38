"""HubSpot deal exports (Deals > Export, "all properties" or the view): its
documented column labels. The stage names 'Closed Won' / 'Closed Lost' (or
the internal 'closedwon' / 'closedlost') close a deal on its Close Date (for open deals the expected close).
HubSpot's probability is a fraction, so it is left to the stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salessprint.services.importing.common import ErrorList, Parsed
from salessprint.services.importing.generic import Layout, merge, read_deals

LAYOUT = Layout(
    {
        "external_id": ("Record ID", "Deal ID", "hs_object_id"),
        "title": ("Deal Name", "dealname"),
        "stage": ("Deal Stage", "dealstage"),
        "value": ("Amount", "amount"),
        "account": ("Associated Company (Primary)", "Associated Company", "Company name"),
        "owner": ("Deal owner", "Deal Owner", "hubspot_owner_id"),
        "started_on": ("Create Date", "createdate"),
        "expected_close": ("Close Date", "closedate"),
        "lost_reason": ("Closed Lost Reason", "closed_lost_reason"),
        "next_step": ("Next step", "hs_next_step"),
    },
    stage_order=(
        "Appointment Scheduled",
        "Qualified To Buy",
        "Presentation Scheduled",
        "Decision Maker Bought-In",
        "Contract Sent",
    ),
)


def read(path: Path, mapping: dict[str, Any] | None = None) -> Parsed:
    errors = ErrorList()
    parsed = read_deals(path, merge(LAYOUT, mapping), "hubspot", errors)
    errors.raise_if_any()
    return parsed
