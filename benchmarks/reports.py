"""The registry of service calls the benchmark times: reports, dashboard, lists.

Each entry names a service function by "module:function" (resolved when the
bench runs, so a report that is not merged yet shows as "not measured"),
the keyword arguments, who calls it, and a group for the results table.

To measure a new report or screen query, add one `Entry` here. Public
functions of the modules in `AUTO_DISCOVER` that need nothing beyond
`(store, login)` are measured even without an entry.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from benchmarks.generate import BENCH_LOGIN


@dataclass(frozen=True)
class Entry:
    name: str
    target: str
    """"package.module:function"; called as function(store, login, **kwargs)."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    group: str = "report"
    """report | dashboard | list (a screen's window of rows) | screen (a screen's summary)."""
    login: str = BENCH_LOGIN


REPORTS = "salessprint.services.reports"
"""The reports package: one module per report."""

REGISTRY: list[Entry] = [
    # Reports and the dashboard: the 200 ms / 2x-raw targets apply.
    Entry("velocity", f"{REPORTS}.velocity:velocity"),
    Entry("velocity (52 sprints)", f"{REPORTS}.velocity:velocity", {"last": 52}),
    Entry("member forecasts", f"{REPORTS}.forecast:member_forecasts"),
    Entry("activity (this week)", f"{REPORTS}.activity:activity"),
    Entry(
        "activity (quarter)", f"{REPORTS}.activity:activity", {"start": date(2026, 10, 1), "end": date(2026, 12, 31)}
    ),
    Entry("attainment", f"{REPORTS}.attainment:attainment"),
    Entry("sprint report", f"{REPORTS}.sprint:sprint_report"),
    Entry("burndown", f"{REPORTS}.burndown:burndown"),
    Entry("pipeline report", f"{REPORTS}.pipeline:pipeline"),
    Entry("pipeline per manager", f"{REPORTS}.pipeline:pipeline", {"by": "manager"}),
    Entry(
        "pipeline (past quarter, as of its end)",
        f"{REPORTS}.pipeline:pipeline",
        {"start": date(2026, 7, 1), "end": date(2026, 9, 30), "by": "member"},
    ),
    Entry("forecast", f"{REPORTS}.forecast:forecast"),
    Entry("coaching flags", f"{REPORTS}.coaching:coaching"),
    Entry("sales forecast by category", f"{REPORTS}.sales_forecast:sales_forecast"),
    Entry("forecast accuracy", f"{REPORTS}.sales_forecast:forecast_accuracy"),
    Entry("deals pushed 3+ times", f"{REPORTS}.sales_forecast:pushed_deals"),
    Entry("1:1 sheet", f"{REPORTS}.one_on_one:one_on_one", {"member": "rep01"}, group="dashboard"),
    Entry("daily", f"{REPORTS}.daily:daily", {"member": "rep01"}),
    Entry("rep detail", f"{REPORTS}.rep_detail:rep_detail", {"member": "rep01"}, group="dashboard"),
    Entry("review", f"{REPORTS}.review:review", group="dashboard"),
    Entry("dashboard", f"{REPORTS}.dashboard:dashboard", group="dashboard"),
    # What the screens load: one window or one summary at a time.
    Entry("who am I (unit-of-work floor)", "salessprint.services.members:whoami", group="screen"),
    Entry("app context (header)", "salessprint.services.app_context:load_context", group="screen"),
    Entry("board cards", "salessprint.services.sprints:sprint_items", group="screen"),
    Entry("backlog page (team)", "salessprint.services.backlog:backlog_page", {"mine": False}, "list"),
    Entry(
        "backlog page 50 (team)", "salessprint.services.backlog:backlog_page", {"mine": False, "offset": 5000}, "list"
    ),
    Entry(
        "backlog filtered (team)", "salessprint.services.backlog:backlog_page", {"mine": False, "text": "qk"}, "list"
    ),
    Entry("backlog page (rep)", "salessprint.services.backlog:backlog_page", {"mine": True}, "list", login="rep01"),
    Entry("deals page", "salessprint.services.deals:list_deals", {"limit": 50}, "list"),
    Entry(
        "open deals filtered",
        "salessprint.services.deals:list_deals",
        {"open_only": True, "text": "qk", "limit": 50},
        "list",
    ),
    Entry("open tasks page", "salessprint.services.tasks:list_tasks", {"open_only": True, "limit": 50}, "list"),
    Entry("latest activities", "salessprint.services.activities:list_activities", {"limit": 50}, "list"),
    Entry("pipeline (team)", "salessprint.services.pipeline_view:pipeline", group="screen"),
    Entry("activity goals (rep)", "salessprint.services.activity_view:my_goals", group="screen", login="rep01"),
    Entry("today (rep)", "salessprint.services.today:today", group="screen", login="rep01"),
    Entry("history", "salessprint.services.history:history", group="list"),
    Entry("latest change id", "salessprint.services.changes:latest_change_id", group="screen"),
    # The board helper's screens (manager: few activities of her own, the case that scanned the team's).
    Entry("activity goals (manager)", "salessprint.services.activity_view:my_goals", group="screen"),
    Entry("open sprints (planning)", "salessprint.services.sprints:open_sprints", group="screen"),
    Entry(
        "committed points per rep (planning)", "salessprint.services.sprints:sprint_points_by_member", group="screen"
    ),
    Entry("retro board", "salessprint.services.retro:retro_board", group="screen"),
]

AUTO_DISCOVER = tuple(
    f"{REPORTS}.{name}"
    for name in (
        "velocity",
        "sprint",
        "burndown",
        "attainment",
        "activity",
        "pipeline",
        "forecast",
        "coaching",
        "one_on_one",
        "daily",
        "dashboard",
        "review",
        "rep_detail",
    )
)


class Missing(Exception):
    """The entry's function is not in this build: reported, not measured."""


def resolve(target: str) -> Callable[..., Any]:
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise Missing(f"{module_name} not present") from None
    fn = getattr(module, attr, None)
    if fn is None:
        raise Missing(f"{module_name}.{attr} not present")
    return fn  # type: ignore[no-any-return]


def _takes_store_and_login_only(fn: Callable[..., Any]) -> bool:
    params = list(inspect.signature(fn).parameters.values())
    if len(params) < 2 or [p.name for p in params[:2]] != ["store", "login"]:
        return False
    return all(
        p.default is not inspect.Parameter.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params[2:]
    )


def entries() -> list[Entry]:
    """The registry plus report functions found in AUTO_DISCOVER modules."""
    out = list(REGISTRY)
    known = {e.target for e in out}
    for module_name in AUTO_DISCOVER:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for name, fn in sorted(vars(module).items()):
            target = f"{module_name}:{name}"
            if (
                name.startswith("_")
                or not inspect.isfunction(fn)
                or fn.__module__ != module_name
                or target in known
                or not _takes_store_and_login_only(fn)
            ):
                continue
            group = "dashboard" if "dashboard" in name else "report"
            out.append(Entry(name.replace("_", " "), target, group=group))
    return out


# Keyset windows (issue 7): the next window of the backlog, and of a pipeline stage column.
REGISTRY += [
    Entry(
        "backlog window after rank 50,000 (team)",
        "salessprint.services.backlog:backlog_page",
        {"mine": False, "after": (50000.0, "deal", 50000)},
        "list",
    ),
    Entry(
        "backlog filtered, one match (team)",
        "salessprint.services.backlog:backlog_page",
        {"mine": False, "text": "ykgjl"},
        "list",
    ),
    Entry("pipeline stage window (Lead)", "salessprint.services.pipeline_view:stage_deals", {"stage": "Lead"}, "list"),
    Entry("pipeline stage window (Won)", "salessprint.services.pipeline_view:stage_deals", {"stage": "Won"}, "list"),
]
