"""Any deals CSV, read through a column mapping; the engine behind the
pipedrive, hubspot and salesforce formats too.

A mapping file (TOML) names the file's column for each field, and may say
which stage names mean won or lost:

    [columns]
    external_id = "Deal ID"      # required
    title = "Name"               # required
    stage = "Stage"              # required
    value = "Amount"
    account = "Company"
    owner = "Rep"                # a member's full name
    started_on = "Created"
    closed_on = "Closed on"
    expected_close = "Expected close"
    probability = "Probability"
    product = "Product"
    next_step = "Next step"
    lost_reason = "Lost reason"
    status = "Status"            # open / won / lost

    [stages]
    "Signed" = "won"
    "Dead" = "lost"

Without a status column or a [stages] entry, a stage whose name contains
'won' is won and one containing 'lost' is lost; every other stage is open.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salessprint.domain.errors import InvalidInput
from salessprint.services.importing.common import (
    CsvFile,
    CsvRow,
    DealRow,
    Deals,
    ErrorList,
    Parsed,
    build,
    crm_bool,
    crm_date,
    crm_datetime,
    crm_int,
    crm_money,
    read_csv,
    text,
)

FIELDS = (
    "external_id",
    "title",
    "stage",
    "value",
    "account",
    "owner",
    "started_on",
    "closed_on",
    "expected_close",
    "probability",
    "product",
    "next_step",
    "lost_reason",
    "status",
    "won_on",
    "lost_on",
    "is_closed",
    "is_won",
    "is_deleted",
)
REQUIRED = ("external_id", "title", "stage")
PARSERS: dict[str, Callable[[str], Any]] = {
    "value": crm_money,
    "started_on": crm_datetime,
    "closed_on": crm_date,
    "expected_close": crm_date,
    "won_on": crm_date,
    "lost_on": crm_date,
    "probability": crm_int,
    "is_closed": crm_bool,
    "is_won": crm_bool,
    "is_deleted": crm_bool,
}
OUTCOMES = {"open": "open", "won": "won", "lost": "lost", "closed won": "won", "closed lost": "lost", "deleted": "lost"}


@dataclass
class Layout:
    """Which column holds which field: candidates, first present wins."""

    candidates: dict[str, tuple[str, ...]]
    stage_outcomes: dict[str, str] = field(default_factory=dict)
    stage_order: tuple[str, ...] = ()
    """The CRM's usual open-stage order, used before probabilities."""
    explicit: frozenset[str] = frozenset()
    """Fields a mapping file named: their columns must be in the file."""

    def resolve(self, csv_file: CsvFile) -> dict[str, str]:
        present = {h.lower(): h for h in csv_file.header}
        columns: dict[str, str] = {}
        for key, names in self.candidates.items():
            for name in names:
                if name.lower() in present:
                    columns[key] = present[name.lower()]
                    break
        absent = [f"'{self.candidates[k][0]}' (for {k})" for k in sorted(self.explicit) if k not in columns]
        if absent:
            raise InvalidInput(
                f"{csv_file.name}: line 1: the mapping names column{'s' if len(absent) > 1 else ''} "
                f"{', '.join(absent)}, but the file has no such column.",
                field="file",
            )
        missing = [k for k in REQUIRED if k not in columns]
        if missing:
            wanted = "; ".join(f"{k}: {' or '.join(repr(n) for n in self.candidates.get(k, ()))}" for k in missing)
            raise InvalidInput(
                f"{csv_file.name}: line 1: cannot find the column for {wanted}. "
                "Is this the right --format? For other files use --format csv --mapping FILE.",
                field="file",
            )
        return columns


def load_mapping(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError:
        raise InvalidInput(f"The mapping file {path} cannot be read.", field="mapping") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"The mapping file {path.name} is not valid TOML: {exc}", field="mapping") from None
    columns = data.get("columns", {})
    stages = data.get("stages", {})
    if not isinstance(columns, dict) or not isinstance(stages, dict):
        raise InvalidInput(f"{path.name}: [columns] and [stages] must be tables.", field="mapping")
    unknown = [k for k in columns if k not in FIELDS]
    if unknown:
        raise InvalidInput(
            f"{path.name}: unknown field {', '.join(unknown)} in [columns]; known: {', '.join(FIELDS)}.",
            field="mapping",
        )
    for key, value in [*columns.items(), *stages.items()]:
        if not isinstance(value, str):
            raise InvalidInput(f"{path.name}: '{key}' must be a column name in quotes.", field="mapping")
    for stage, outcome in stages.items():
        if outcome.lower() not in ("open", "won", "lost"):
            raise InvalidInput(f"{path.name}: stage '{stage}' must map to open, won or lost.", field="mapping")
    return {"columns": columns, "stages": {k.lower(): v.lower() for k, v in stages.items()}}


def merge(layout: Layout, mapping: dict[str, Any] | None) -> Layout:
    if not mapping:
        return layout
    candidates = dict(layout.candidates)
    for key, column in mapping["columns"].items():
        candidates[key] = (column,)
    return Layout(
        candidates, {**layout.stage_outcomes, **mapping["stages"]}, layout.stage_order, frozenset(mapping["columns"])
    )


def outcome_of(stage: str, cells: dict[str, Any], raw: dict[str, str], layout: Layout) -> str:
    if "status" in raw and raw["status"].strip():
        status = raw["status"].strip().lower()
        if status not in OUTCOMES:
            raise ValueError(f"'{raw['status'][:40]}' is not open, won or lost")
        return OUTCOMES[status]
    if cells.get("is_won") is True:
        return "won"
    if cells.get("is_closed") is True:
        return "lost"
    if cells.get("is_closed") is False:
        return "open"
    key = stage.lower()
    if key in layout.stage_outcomes:
        return layout.stage_outcomes[key]
    squashed = key.replace(" ", "").replace("_", "").replace("-", "")
    if "won" in squashed:
        return "won"
    if "lost" in squashed:
        return "lost"
    return "open"


def read_deals(
    path: Path, layout: Layout, source: str, errors: ErrorList, account_names: dict[str, str] | None = None
) -> Parsed:
    """Deals from `path` through `layout`, with their open stages in order."""
    csv_file = read_csv(path, errors=errors)
    columns = layout.resolve(csv_file)
    parsed = Parsed(source=source, files=[path.name])
    seen_stages: dict[str, list[int]] = {}
    first_seen: dict[str, int] = {}
    name = csv_file.name
    labels = {k: columns.get(k, k) for k in FIELDS}
    early: list[int] = []

    def rows(errors: ErrorList) -> Iterator[DealRow]:
        surveying = not csv_file.walked
        for row in csv_file.rows:
            if errors.full():
                errors.more = True
                break
            deal = _deal(row, errors)
            if deal is not None:
                if surveying and deal.closed_on and deal.created_at and deal.closed_on < deal.created_at.date():
                    early.append(deal.line)
                yield deal

    def _deal(row: CsvRow, errors: ErrorList) -> DealRow | None:
        raw = {k: row.values.get(c, "") for k, c in columns.items()}
        cells: dict[str, Any] = {}
        ok = True
        for key, parser in PARSERS.items():
            if key in raw:
                try:
                    cells[key] = parser(raw[key])
                except ValueError as exc:
                    errors.add(name, row.line, columns[key], str(exc))
                    ok = False
        if not ok:
            return None
        if cells.get("is_deleted"):
            return None
        stage = raw["stage"].strip()
        try:
            outcome = outcome_of(stage, cells, raw, layout)
        except ValueError as exc:
            errors.add(name, row.line, columns.get("status", "status"), str(exc))
            return None
        created = cells.get("started_on")
        closed_on = cells.get("closed_on")
        if outcome == "won":
            closed_on = cells.get("won_on") or closed_on or cells.get("expected_close")
        elif outcome == "lost":
            closed_on = cells.get("lost_on") or closed_on or cells.get("expected_close")
        else:
            closed_on = None
        if outcome != "open" and closed_on is None:
            errors.add(
                name,
                row.line,
                columns.get("closed_on", columns.get("expected_close", "close date")),
                f"a {outcome} deal needs its close date",
            )
            return None
        started_on = created.date() if created else None
        if started_on and closed_on and closed_on < started_on:
            started_on = closed_on
        account = text(raw.get("account", ""))
        if account and account_names is not None:
            account = account_names.get(account, account)
        deal = build(
            DealRow,
            errors,
            name,
            row.line,
            labels,
            external_id=raw["external_id"],
            title=raw["title"],
            account=account or "(no account)",
            value=cells.get("value") or 0,
            stage=stage,
            outcome=outcome,
            owner=raw.get("owner") or None,
            started_on=started_on,
            closed_on=closed_on,
            expected_close=cells.get("expected_close"),
            probability=cells.get("probability"),
            product=raw.get("product") or None,
            next_step=raw.get("next_step") or None,
            lost_reason=raw.get("lost_reason") or None,
            created_at=created,
        )
        return deal

    parsed.deals = Deals(name, rows)
    for deal in parsed.deals.survey(errors):
        if deal.outcome == "open":
            first_seen.setdefault(deal.stage, len(first_seen))
            if deal.probability is not None:
                seen_stages.setdefault(deal.stage, []).append(deal.probability)
    if early:
        parsed.notes.append(
            f"{len(early)} deal{'s' if len(early) > 1 else ''} closed before {'they were' if len(early) > 1 else 'it was'} "
            f"created (lines {', '.join(map(str, early[:5]))}{', ...' if len(early) > 5 else ''}); "
            "the start is set to the close date."
        )
    parsed.open_stages = order_stages(first_seen, seen_stages, layout.stage_order)
    return parsed


def order_stages(
    first_seen: dict[str, int], probabilities: dict[str, list[int]], known_order: tuple[str, ...] = ()
) -> list[tuple[str, int]]:
    """Open stages in pipeline order: a known order first, then by the deals'
    average probability, then by first appearance."""
    known = {s.lower(): i for i, s in enumerate(known_order)}

    def avg(stage: str) -> int:
        values = probabilities.get(stage)
        return round(sum(values) / len(values)) if values else 50

    return [
        (stage, avg(stage))
        for stage in sorted(first_seen, key=lambda s: (known.get(s.lower(), len(known)), avg(s), first_seen[s]))
    ]


LAYOUT = Layout({})


def read(path: Path, mapping: dict[str, Any] | None = None) -> Parsed:
    if not mapping:
        raise InvalidInput(
            "--format csv needs --mapping FILE naming your columns (see 'salessprint import deals --help').",
            field="mapping",
        )
    errors = ErrorList()
    parsed = read_deals(path, merge(LAYOUT, mapping), "csv", errors)
    errors.raise_if_any()
    return parsed
