"""The small, hand-computed team the report tests read, on any backend.

The story (team timezone UTC, today Thursday 2026-11-26):
- rita (AE) has a 10,000 monthly revenue quota and 10 calls a week; rob (SDR) has no target.
- Deals, all added on Monday 2 November: D1 Alpha 4,000 Qualified (rita), D2 Beta 2,500.50
  Proposal (rita, close 30 Nov), D3 Gamma 1,000 Lead (rob), D4 Delta 3,000 Negotiation (rita),
  D5 Epsilon 500 Proposal (rita).
- Sprint 1, 16-22 November: T1 rita 3 pt, T2 rita 5 pt, T3 rob 2 pt committed. T1 done on the
  17th; T4 rob 1 pt added on the 18th; T3 removed on the 19th; T4 done on the 20th; closed
  without carry-over. D1 moved Qualified -> Proposal on the 18th; D4 won on the 19th; D2's
  close date moved to 15 December on the 20th.
- Sprint 2, 23-29 November, active: T5 rita 2 pt, done on the 25th. D5 lost on the 24th; rita
  logged 5 calls on D1 on the 24th.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from salessprint.domain import clock
from salessprint.services.activities import log_activity
from salessprint.services.deals import add_deal, move_deal, update_deal
from salessprint.services.sprints import add_item, close_sprint, plan_sprint, remove_item, start_sprint
from salessprint.services.tasks import add_task, move_task


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def small_team(url: str) -> Any:
    """Admin 'ada', manager 'max', reps 'rita' (AE) and 'rob' (SDR).

    Members are inserted directly: the foundation's add_member(store, login,
    **fields) cannot take a `login` field, so conftest's team_store fails.
    """
    from salessprint.services import open_store
    from salessprint.services.team import init_team
    from salessprint.store.models import Member

    store = open_store(url, check_schema=False)
    team_id = init_team(store, "Test Team", "ada", "Ada Admin").id
    with store.session() as session:
        for login, name, role, sales_role in (
            ("max", "Max Manager", "manager", None),
            ("rita", "Rita Rep", "rep", "AE"),
            ("rob", "Rob Rep", "rep", "SDR"),
        ):
            session.add(Member(team_id=team_id, login=login, name=name, role=role, sales_role=sales_role, version=1))
        session.commit()
    return store


def set_targets(store: Any, login: str, rows: list[tuple[str, str, Decimal]]) -> None:
    """Targets inserted directly (set_target(store, login, login=...) has the same clash)."""
    from sqlalchemy import select

    from salessprint.store.models import Member, Target

    with store.session() as session:
        member_id = session.scalar(select(Member.id).where(Member.login == login))
        for metric, period, amount in rows:
            session.add(
                Target(
                    member_id=member_id, metric=metric, period=period, amount=amount, effective_from=date(2026, 1, 1)
                )
            )
        session.commit()


def build_story(s: Any) -> None:
    with clock.freeze(at(2)):
        set_targets(s, "rita", [("revenue", "month", Decimal(10000)), ("calls", "week", Decimal(10))])
        d1 = add_deal(s, "max", title="Alpha", account="A", value="4000", owner="rita", stage="Qualified").id
        d2 = add_deal(
            s,
            "max",
            title="Beta",
            account="B",
            value="2500.50",
            owner="rita",
            stage="Proposal",
            expected_close="2026-11-30",
        ).id
        add_deal(s, "max", title="Gamma", account="C", value="1000", owner="rob", stage="Lead")
        d4 = add_deal(s, "max", title="Delta", account="D", value="3000", owner="rita", stage="Negotiation").id
        d5 = add_deal(s, "max", title="Epsilon", account="E", value="500", owner="rita", stage="Proposal").id
    with clock.freeze(at(13)):
        plan_sprint(s, "max", goal="First sprint", starts="2026-11-16")
        t1 = add_task(s, "max", title="T1", assignee="rita", points=3).id
        t2 = add_task(s, "max", title="T2", assignee="rita", points=5).id
        t3 = add_task(s, "max", title="T3", assignee="rob", points=2).id
        for t in (t1, t2, t3):
            add_item(s, "max", "task", t)
    with clock.freeze(at(16, 8)):
        start_sprint(s, "max")
    with clock.freeze(at(17)):
        move_task(s, "max", t1, "done")
    with clock.freeze(at(18)):
        t4 = add_task(s, "max", title="T4", assignee="rob", points=1).id
        add_item(s, "max", "task", t4)
        move_deal(s, "max", d1, "Proposal")
    with clock.freeze(at(19)):
        remove_item(s, "max", "task", t3)
        move_deal(s, "max", d4, "Won")
    with clock.freeze(at(20)):
        move_task(s, "max", t4, "done")
        update_deal(s, "max", d2, expected_close="2026-12-15")
    with clock.freeze(at(22, 18)):
        close_sprint(s, "max", carry_over=False)
        plan_sprint(s, "max", goal="Second sprint")
        t5 = add_task(s, "max", title="T5", assignee="rita", points=2).id
        add_item(s, "max", "task", t5)
    with clock.freeze(at(23, 8)):
        start_sprint(s, "max")
    with clock.freeze(at(24)):
        move_deal(s, "max", d5, "Lost", lost_reason="Price")
        for _ in range(5):
            log_activity(s, "rita", kind="call", deal_id=d1)
    with clock.freeze(at(25)):
        move_task(s, "max", t5, "done")


def quota_changes(
    store: Any,
    rita: list[tuple[str, str]],
    wins: list[tuple[datetime, str]],
    metric: str = "revenue",
    period: str = "month",
) -> None:
    """Rita's target changes (effective from, amount; a monthly quota unless
    told), set by the manager, and her deals won on the given days (issue 12)."""
    from salessprint.services.targets import set_target

    for effective, amount in rita:
        set_target(store, "max", login="rita", metric=metric, period=period, amount=amount, effective_from=effective)
    for n, (when, value) in enumerate(wins):
        with clock.freeze(when):
            deal = add_deal(store, "max", title=f"Win {n}", account="W", value=value, owner="rita", stage="Qualified")
            move_deal(store, "max", deal.id, "Won")


def three_sprints_and_a_newcomer(store: Any) -> None:
    """Three closed weekly sprints from 26 October; rita does 2 points in
    each, rob (started 2 November) 1 point in the last two (issue 12)."""
    from sqlalchemy import update

    from salessprint.store.models import Member

    with store.session() as session:
        session.execute(update(Member).where(Member.login == "rob").values(started_on=date(2026, 11, 2)))
        session.commit()
    for n, monday in enumerate((26, 33, 40)):  # days after 30 September
        starts = date.fromordinal(date(2026, 9, 30).toordinal() + monday)
        when = datetime(starts.year, starts.month, starts.day, 8, tzinfo=UTC)
        with clock.freeze(when):
            plan_sprint(store, "max", goal=f"Sprint {n + 1}", starts=starts.isoformat())
            tasks = [add_task(store, "max", title=f"R{n}", assignee="rita", points=2).id]
            if n:
                tasks.append(add_task(store, "max", title=f"B{n}", assignee="rob", points=1).id)
            for t in tasks:
                add_item(store, "max", "task", t)
            start_sprint(store, "max")
        with clock.freeze(when.replace(day=starts.day + 2)):
            for t in tasks:
                move_task(store, "max", t, "done")
        with clock.freeze(when.replace(day=starts.day + 4, hour=18)):
            close_sprint(store, "max", carry_over=False)


def ramp_for_rita(store: Any, started: date, steps: str, months: int) -> None:
    """Rita starts on `started` with the team's quota ramp `steps`, `months` a step (issue 12)."""
    from sqlalchemy import update

    from salessprint.services.targets import set_quota_ramp
    from salessprint.store.models import Member

    with store.session() as session:
        session.execute(update(Member).where(Member.login == "rita").values(started_on=started))
        session.commit()
    set_quota_ramp(store, "max", steps, months)
