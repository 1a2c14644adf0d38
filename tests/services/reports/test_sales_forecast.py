"""The forecast by category on a small team, on both backends, with every
figure worked out by hand: the roll-up per rep and team, week over week from
the audit log, close-date pushes (an undone push does not count), the flag
in coaching and the review, and the commit calls recorded at a sprint close
and a month end (once), read back as forecast accuracy."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from salessprint.domain import clock
from salessprint.domain.errors import Conflict, PermissionDenied
from salessprint.services.deals import add_collaborator, add_deal, get_deal, list_deals, move_deal, update_deal
from salessprint.services.reports.coaching import coaching
from salessprint.services.reports.review import review
from salessprint.services.reports.sales_forecast import (
    ForecastLine,
    PeriodForecast,
    forecast_accuracy,
    pushed_deals,
    record_month_end,
    sales_forecast,
)
from salessprint.services.sprints import close_sprint, plan_sprint, start_sprint
from salessprint.services.targets import set_target
from salessprint.services.undo import undo
from salessprint.store.db import Store

D = Decimal


def at(day: int, month: int = 11, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def book(team_store: Store) -> dict[str, int]:
    """rita: a month quota of 10,000 from October; rob: no quota. Deals added on
    10 November, moved on 22 November; today is Thursday 26 November 10:30."""
    set_target(
        team_store, "max", login="rita", metric="revenue", period="month", amount="10000", effective_from="2026-10-01"
    )
    ids: dict[str, int] = {}

    def deal(name: str, owner: str, value: str, stage: str, close: str | None) -> None:
        ids[name] = add_deal(
            team_store, owner, title=name, account=f"{name} Ltd", value=value, stage=stage, expected_close=close
        ).id

    with clock.freeze(at(10)):
        deal("Alpha", "rita", "4000", "Negotiation", "2026-11-20")  # commit
        deal("Beta", "rita", "3000", "Proposal", "2026-11-25")  # best case
        deal("Gamma", "rita", "2000", "Lead", "2026-12-15")  # pipeline, December
        deal("Delta", "rita", "1500", "Qualified", "2026-11-28")  # pipeline
        deal("Eps", "rita", "1000", "Meeting", "2026-11-27")  # pipeline, set to omitted
        update_deal(team_store, "rita", ids["Eps"], forecast_category="omitted")
        deal("Won", "rita", "2500", "Proposal", "2026-11-30")
        deal("Rob", "rob", "5000", "Negotiation", "2026-11-30")  # commit
    with clock.freeze(at(12)):
        move_deal(team_store, "rita", ids["Won"], "Won")
    with clock.freeze(at(22)):
        update_deal(team_store, "rita", ids["Gamma"], expected_close="2026-11-29", forecast_category="commit")
        update_deal(team_store, "rita", ids["Beta"], expected_close="2026-12-03")
        update_deal(team_store, "rita", ids["Alpha"], expected_close="2026-11-27")
    return ids


def _line(p: PeriodForecast, login: str) -> ForecastLine:
    return p.team if login == "team" else next(m for m in p.members if m.login == login)


def _moves(line: ForecastLine) -> dict[str, tuple[int, Decimal]]:
    return {k: (f.count, f.value) for k, f in line.week_over_week.items()}


def test_the_month_and_quarter_by_hand(team_store: Store, book: dict[str, int]) -> None:
    report = sales_forecast(team_store, "rob")
    month, quarter = report.periods
    assert (month.period, month.start.isoformat(), month.end.isoformat()) == ("2026-11", "2026-11-01", "2026-11-30")
    assert quarter.period == "2026-Q4"
    rita = _line(month, "rita")
    # won 2,500; commit Alpha 4,000 + Gamma 2,000 (set to commit, pulled into November);
    # Beta slipped to December; Delta 1,500 pipeline; Eps omitted.
    assert (rita.closed_won, rita.commit, rita.best_case, rita.pipeline) == (
        D("2500.00"),
        D("6000.00"),
        D("0.00"),
        D("1500.00"),
    )
    assert (rita.commit_forecast, rita.best_case_forecast, rita.open_pipeline) == (
        D("8500.00"),
        D("8500.00"),
        D("7500.00"),
    )
    assert (rita.quota, rita.gap, rita.remaining_quota) == (D("10000.00"), D("1500.00"), D("7500.00"))
    assert rita.coverage == D("1.00")  # 7,500 / 7,500
    rob = _line(month, "rob")
    assert (rob.commit, rob.quota, rob.gap, rob.coverage) == (D("5000.00"), None, None, None)
    assert rob.coverage_reason == "no quota in force"
    team = _line(month, "team")
    # quota is rita's alone; commit forecast 2,500 + 11,000 = 13,500: 3,500 over quota.
    assert (team.commit, team.quota, team.gap) == (D("11000.00"), D("10000.00"), D("-3500.00"))
    assert team.coverage == D("1.67")  # 12,500 / 7,500 = 1.666…
    q = _line(quarter, "rita")
    # the quarter also holds Beta (best case, 3 December): open 10,500 over 30,000 - 2,500.
    assert (q.commit, q.best_case, q.pipeline, q.quota) == (D("6000.00"), D("3000.00"), D("1500.00"), D("30000.00"))
    assert (q.gap, q.coverage) == (D("21500.00"), D("0.38"))


def test_week_over_week_by_hand(team_store: Store, book: dict[str, int]) -> None:
    month, quarter = sales_forecast(team_store, "max").periods
    assert _moves(_line(month, "rita")) == {
        "newly_committed": (1, D("2000.00")),  # Gamma
        "pulled_in": (1, D("2000.00")),  # Gamma, from 15 December
        "pushed": (2, D("7000.00")),  # Alpha (20 -> 27 Nov) and Beta (25 Nov -> 3 Dec)
        "slipped": (1, D("3000.00")),  # Beta
    }
    # In the quarter Gamma was already expected (15 December), and Beta stays in it.
    assert _moves(_line(quarter, "rita")) == {
        "newly_committed": (1, D("2000.00")),
        "pulled_in": (0, D("0.00")),
        "pushed": (2, D("7000.00")),
        "slipped": (0, D("0.00")),
    }
    assert _moves(_line(month, "team")) == _moves(_line(month, "rita"))
    # A week later nothing has moved in the last seven days.
    with clock.freeze(at(30, hour=12)):
        later = sales_forecast(team_store, "max").periods[0]
    assert all(n == 0 for n, _v in _moves(_line(later, "rita")).values())


def test_a_change_before_the_week_is_no_movement(team_store: Store, book: dict[str, int]) -> None:
    # Eps went to omitted on 10 November, before the week: it is simply out of the forecast.
    month = sales_forecast(team_store, "max").periods[0]
    assert _line(month, "rita").week_over_week["newly_committed"].count == 1


def test_category_on_the_deal_list_and_show(team_store: Store, book: dict[str, int]) -> None:
    shown = {d.title: (d.forecast_category, d.forecast_category_set) for d in list_deals(team_store, "max")}
    assert shown == {
        "Alpha": ("commit", False),
        "Beta": ("best_case", False),
        "Gamma": ("commit", True),
        "Delta": ("pipeline", False),
        "Eps": ("omitted", True),
        "Won": ("closed", False),
        "Rob": ("commit", False),
    }
    update_deal(team_store, "rita", book["Gamma"], forecast_category="default")
    gamma = get_deal(team_store, "rita", book["Gamma"])
    assert (gamma.forecast_category, gamma.forecast_category_set) == ("pipeline", False)
    undo(team_store, "rita")  # the category comes back with the rest of the row
    assert get_deal(team_store, "rita", book["Gamma"]).forecast_category == "commit"


def test_who_may_set_the_category(team_store: Store, book: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied, match="edit deals"):
        update_deal(team_store, "rob", book["Alpha"], forecast_category="commit")
    # A collaborator may edit the deal, not call its forecast.
    add_collaborator(team_store, "rita", book["Alpha"], "rob")
    update_deal(team_store, "rob", book["Alpha"], next_step="Send the contract")
    with pytest.raises(PermissionDenied, match="set a deal's forecast category"):
        update_deal(team_store, "rob", book["Alpha"], forecast_category="omitted")
    assert update_deal(team_store, "max", book["Alpha"], forecast_category="best-case").forecast_category == "best_case"
    with pytest.raises(Conflict, match="Deal #.* is won: its forecast category is closed"):
        update_deal(team_store, "rita", book["Won"], forecast_category="commit")


def test_pushes_are_counted_and_an_undone_push_is_not(team_store: Store, book: dict[str, int]) -> None:
    alpha = book["Alpha"]
    assert get_deal(team_store, "rita", alpha).close_pushes == 1  # 20 -> 27 November
    update_deal(team_store, "rita", alpha, expected_close="2026-11-10")  # earlier: no push
    update_deal(team_store, "rita", alpha, expected_close="2026-12-01")  # push 2
    update_deal(team_store, "rita", alpha, value="4100")  # no close change
    assert get_deal(team_store, "rita", alpha).close_pushes == 2
    update_deal(team_store, "rita", alpha, expected_close="2026-12-08")  # push 3
    view = get_deal(team_store, "rita", alpha)
    assert (view.close_pushes, view.pushed_flag) == (3, True)
    assert [(d.id, d.pushes) for d in pushed_deals(team_store, "max")] == [(alpha, 3)]
    flags = {m.login: [f.code for f in m.flags] for m in coaching(team_store, "max").members}
    assert "close_date_pushed" in flags["rita"] and "close_date_pushed" not in flags["rob"]
    assert [d.id for d in review(team_store, "max").pushed_deals] == [alpha]
    undo(team_store, "rita")  # the third push
    view = get_deal(team_store, "rita", alpha)
    assert (view.close_pushes, view.pushed_flag, str(view.expected_close)) == (2, False, "2026-12-01")
    assert pushed_deals(team_store, "max") == []
    assert all(f.code != "close_date_pushed" for m in coaching(team_store, "max").members for f in m.flags)


def test_a_won_deal_is_no_longer_flagged(team_store: Store, book: dict[str, int]) -> None:
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        update_deal(team_store, "rita", book["Delta"], expected_close=day)
    assert [d.id for d in pushed_deals(team_store, "max")] == [book["Delta"]]
    move_deal(team_store, "rita", book["Delta"], "Won")
    assert pushed_deals(team_store, "max") == []
    assert get_deal(team_store, "rita", book["Delta"]).close_pushes == 3  # the deal still tells its story


def test_the_pushed_deals_read_decodes_only_the_open_deals_changes(team_store: Store, book: dict[str, int]) -> None:
    """The open deals' ids drive the read of the change log (its entity index),
    so a store's history of closed deals is never decoded as JSON."""
    from benchmarks.queries import recording

    if team_store.backend != "sqlite":
        pytest.skip("SQLite's planner (PostgreSQL reads the log once, in a hash join)")
    with recording(team_store.engine) as seen:
        pushed_deals(team_store, "max")
    (read,) = [st for st in seen if " changes" in st.sql]
    with team_store.engine.connect() as conn:
        plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {read.sql}", read.params)]
    assert any("ix_changes_entity (entity=? AND entity_id=?)" in p for p in plan), plan


def test_commit_calls_at_sprint_close_and_month_end(team_store: Store, book: dict[str, int]) -> None:
    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    close_sprint(team_store, "max")  # 26 November: rita calls 8,500 for November, rob 5,000
    with clock.freeze(at(1, 12, hour=12)):
        move_deal(team_store, "rita", book["Alpha"], "Won")  # won on 1 December: not November's
        update_deal(team_store, "rita", book["Delta"], expected_close="2026-12-10")
    with clock.freeze(at(2, 12)):
        assert record_month_end(team_store, "rob") == 2  # any member's first forecast of the month records it
        assert record_month_end(team_store, "max") == 0  # once
        acc = forecast_accuracy(team_store, "max")
    got = [
        (a.login, a.period, a.occasion, a.sprint, a.commit, a.best_case, a.actual, a.accuracy, a.final)
        for a in acc.lines
    ]
    assert got == [
        ("rita", "2026-11", "sprint_close", 1, D("8500.00"), D("8500.00"), D("2500.00"), D("29.4"), True),
        # At the end of 30 November Alpha was still open in commit and Delta in November's pipeline:
        # the audit log gives the call as it stood then, not as the deals are on 2 December.
        ("rita", "2026-11", "month_end", None, D("8500.00"), D("8500.00"), D("2500.00"), D("29.4"), True),
        ("rob", "2026-11", "sprint_close", 1, D("5000.00"), D("5000.00"), D("0.00"), D("0.0"), True),
        ("rob", "2026-11", "month_end", None, D("5000.00"), D("5000.00"), D("0.00"), D("0.0"), True),
    ]
    assert acc.lines[1].as_of == datetime(2026, 12, 1, tzinfo=UTC)
    with clock.freeze(at(2, 12)):
        mine = forecast_accuracy(team_store, "max", "rob")
    assert {a.login for a in mine.lines} == {"rob"}


def test_a_month_before_the_team_existed_is_not_recorded(team_store: Store) -> None:
    # The team was made on 26 November: October's end is before it.
    assert record_month_end(team_store, "rita") == 0
    assert forecast_accuracy(team_store, "max").lines == []


def test_the_month_end_call_reads_the_deals_as_they_were(team_store: Store, book: dict[str, int]) -> None:
    with clock.freeze(at(1, 12, hour=8)):
        # Beta back into November's best case and Rob's deal deleted after the month ended.
        update_deal(team_store, "rita", book["Beta"], expected_close="2026-11-30")
        from salessprint.services.deals import delete_deal

        delete_deal(team_store, "rob", book["Rob"])
        assert record_month_end(team_store, "max") == 2
        calls = {a.login: (a.commit, a.best_case) for a in forecast_accuracy(team_store, "max").lines}
    # At month end Beta was in December and Rob's deal still in commit.
    assert calls == {"rita": (D("8500.00"), D("8500.00")), "rob": (D("5000.00"), D("5000.00"))}


def test_backup_keeps_categories_and_calls(team_store: Store, book: dict[str, int], tmp_path: Path) -> None:
    from salessprint.services import open_store
    from salessprint.services.backup import export_json, restore

    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    close_sprint(team_store, "max")
    export_json(team_store, "max", tmp_path / "a.json")
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}", check_schema=False)
    try:
        restore(copy, tmp_path / "a.json")
        export_json(copy, "max", tmp_path / "b.json")
        assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
        assert get_deal(copy, "max", book["Eps"]).forecast_category == "omitted"
        assert len(forecast_accuracy(copy, "max").lines) == 2
    finally:
        copy.dispose()


def test_the_sql_category_is_the_domain_rule_at_every_boundary(team_store: Store) -> None:
    """The report's SQL and the deal views (domain default_category) agree at 0, 59/60 and 79/80 %."""
    from sqlalchemy import update

    from salessprint.store.models import Stage

    edges = {"Lead": 0, "Qualified": 59, "Meeting": 60, "Proposal": 79, "Negotiation": 80}
    with team_store.session() as s, s.begin():
        for name, p in edges.items():
            s.execute(update(Stage).where(Stage.name == name).values(probability=p))
    for i, stage in enumerate(edges):
        add_deal(
            team_store, "rita", title=stage, account="A", value=str(10**i), stage=stage, expected_close="2026-11-27"
        )
    views = {d.title: d.forecast_category for d in list_deals(team_store, "rita")}
    assert views == {
        "Lead": "omitted",
        "Qualified": "pipeline",
        "Meeting": "best_case",
        "Proposal": "best_case",
        "Negotiation": "commit",
    }
    rita = _line(sales_forecast(team_store, "rita").periods[0], "rita")
    by_category = {"pipeline": D(0), "best_case": D(0), "commit": D(0), "omitted": D(0)}
    for i, stage in enumerate(edges):
        by_category[views[stage]] += D(10**i)
    assert (rita.pipeline, rita.best_case, rita.commit) == (
        by_category["pipeline"],  # 10
        by_category["best_case"],  # 100 + 1,000
        by_category["commit"],  # 10,000
    )
