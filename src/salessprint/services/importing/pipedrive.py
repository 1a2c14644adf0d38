"""Pipedrive deal exports ("Deals" list, Export to CSV): its documented column
names, with or without the 'Deal - ' prefix. Status (open/won/lost) decides
the outcome; 'Won time' or 'Lost time' is the close date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salessprint.services.importing.common import ErrorList, Parsed
from salessprint.services.importing.generic import Layout, merge, read_deals


def _both(*names: str) -> tuple[str, ...]:
    return tuple(n for name in names for n in (f"Deal - {name}", name))


LAYOUT = Layout(
    {
        "external_id": _both("ID"),
        "title": _both("Title"),
        "stage": _both("Stage"),
        "status": _both("Status"),
        "value": _both("Value"),
        "account": _both("Organization", "Organization name"),
        "owner": _both("Owner", "Owner name"),
        "started_on": _both("Deal created", "Add time"),
        "won_on": _both("Won time"),
        "lost_on": _both("Lost time"),
        "closed_on": _both("Deal closed on", "Close time"),
        "expected_close": _both("Expected close date"),
        "probability": _both("Probability"),
        "lost_reason": _both("Lost reason"),
        "product": _both("Product name", "Products"),
    }
)


def read(path: Path, mapping: dict[str, Any] | None = None) -> Parsed:
    errors = ErrorList()
    parsed = read_deals(path, merge(LAYOUT, mapping), "pipedrive", errors)
    errors.raise_if_any()
    return parsed
