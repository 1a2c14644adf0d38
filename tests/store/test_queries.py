"""The shared lookups: which sprint each screen means, open deals, the
targets in force on a day, and the SQLite-only planner hint."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from salessprint.domain.enums import Metric, Period, SprintState
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.models import Account, Deal, Member, Sprint, Stage, Target, Team

CLOSED, ACTIVE, PLANNED = SprintState.CLOSED, SprintState.ACTIVE, SprintState.PLANNED


def _team_id(store: Store) -> int:
    with store.session() as s:
        return s.scalars(select(Team.id)).one()


def _add_sprints(store: Store, states: list[SprintState]) -> None:
    """Sprints numbered 1, 2, ... in these states, a week each."""
    team_id = _team_id(store)
    start = date(2026, 11, 2)
    with store.session() as s:
        for number, state in enumerate(states, start=1):
            begin = start + timedelta(weeks=number - 1)
            s.add(
                Sprint(
                    team_id=team_id,
                    number=number,
                    starts_on=begin,
                    ends_on=begin + timedelta(days=4),
                    state=state,
                    version=1,
                )
            )
        s.commit()


def _numbers(store: Store) -> tuple[int | None, int | None, int | None]:
    """The number of the current sprint, the sprint to plan and the sprint under review."""
    team_id = _team_id(store)
    with store.session() as s:
        found = (
            queries.current_sprint(s, team_id),
            queries.sprint_to_plan(s, team_id),
            queries.sprint_under_review(s, team_id),
        )
        return (
            found[0].number if found[0] else None,
            found[1].number if found[1] else None,
            found[2].number if found[2] else None,
        )


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([CLOSED, ACTIVE, PLANNED], (2, 3, 2)),
        ([CLOSED, CLOSED, PLANNED], (3, 3, 2)),  # no active sprint
        ([CLOSED, ACTIVE], (2, 2, 2)),  # no planned sprint
        ([ACTIVE, PLANNED], (1, 2, 1)),  # nothing closed yet
        ([CLOSED, CLOSED], (None, None, 2)),  # only closed ones: the newest is reviewed
        ([PLANNED], (1, 1, None)),  # a planned sprint has nothing to report
        ([], (None, None, None)),
    ],
)
def test_each_sprint_lookup_has_its_own_precedence(
    team_store: Store, states: list[SprintState], expected: tuple[int | None, int | None, int | None]
) -> None:
    """current: active, else planned; to plan: planned, else active; under review: active, else last closed."""
    _add_sprints(team_store, states)
    assert _numbers(team_store) == expected


def test_open_deals_are_the_teams_deals_without_a_close_date(team_store: Store) -> None:
    team_id = _team_id(team_store)
    entered = datetime(2026, 11, 2, 9, tzinfo=UTC)
    with team_store.session() as s:
        stage = s.scalars(select(Stage).where(Stage.team_id == team_id).order_by(Stage.position)).first()
        owner = s.scalar(select(Member).where(Member.login == "rita"))
        assert stage is not None and owner is not None
        account = Account(team_id=team_id, name="Acme")
        s.add(account)
        s.flush()
        for title, closed_on in (("open", None), ("closed", date(2026, 11, 20))):
            s.add(
                Deal(
                    team_id=team_id,
                    account_id=account.id,
                    title=title,
                    value=Decimal("100.00"),
                    stage_id=stage.id,
                    owner_id=owner.id,
                    started_on=date(2026, 11, 2),
                    stage_entered_at=entered,
                    closed_on=closed_on,
                    version=1,
                )
            )
        s.commit()
        assert list(s.scalars(select(Deal.title).where(queries.open_deals(team_id)))) == ["open"]
        assert list(s.scalars(select(Deal.title).where(queries.open_deals(team_id + 1)))) == []


def test_targets_in_force_are_the_newest_effective_on_the_day(team_store: Store) -> None:
    with team_store.session() as s:
        rita = s.scalar(select(Member.id).where(Member.login == "rita"))
        assert rita is not None
        for effective, amount in ((date(2026, 1, 1), "100"), (date(2026, 6, 1), "200"), (date(2026, 12, 1), "300")):
            s.add(
                Target(
                    member_id=rita,
                    metric=Metric.REVENUE,
                    period=Period.MONTH,
                    amount=Decimal(amount),
                    effective_from=effective,
                )
            )
        s.add(
            Target(
                member_id=rita,
                metric=Metric.CALLS,
                period=Period.WEEK,
                amount=Decimal(20),
                effective_from=date(2026, 1, 1),
            )
        )
        s.commit()

        on_day = queries.targets_in_force(s, [rita], date(2026, 11, 26))
        assert on_day == {
            rita: {(Metric.REVENUE, Period.MONTH): Decimal("200.00"), (Metric.CALLS, Period.WEEK): Decimal("20.00")}
        }
        assert queries.targets_in_force(s, [rita], date(2026, 5, 31), Metric.REVENUE) == {
            rita: {(Metric.REVENUE, Period.MONTH): Decimal("100.00")}
        }
        assert queries.targets_in_force(s, [rita], date(2025, 12, 31)) == {}


def test_sqlite_hint_adds_plus_zero_only_on_sqlite() -> None:
    statement = select(Deal.id).where(queries.sqlite_hint(Deal.team_id) == 1)
    assert "deals.team_id + 0 =" in str(statement.compile(dialect=sqlite.dialect()))
    on_postgres = str(statement.compile(dialect=postgresql.dialect()))
    assert "deals.team_id =" in on_postgres
    assert "+ 0" not in on_postgres
