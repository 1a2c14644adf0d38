"""Migration 0004: what races wrote before is repaired, then the database keeps
one card per item per sprint, one planned and one active sprint per team,
and one team per store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from salessprint.store.db import Store, schema_head
from salessprint.store.models import Account, Deal, Member, RetroEntry, Sprint, SprintItem, Stage, Task, Team

ADDED = [datetime(2026, 11, day, 9, 0, tzinfo=UTC) for day in range(20, 26)]


def _team(s, name: str = "T") -> tuple[Team, Member]:
    team = Team(name=name, currency="EUR")
    s.add(team)
    s.flush()
    member = Member(team_id=team.id, login=f"a-{name}", name="A", role="admin")
    s.add(member)
    s.flush()
    return team, member


def _store_with_race_damage(url: str) -> Store:
    """A store at 0003 holding what racing writers left: two planned sprints
    (the second with a card and a retro entry), and a deal and a task with
    two cards each in one sprint."""
    store = Store(url)
    command.upgrade(store.alembic_config(), "0003")
    with store.session() as s:
        team, member = _team(s)
        stage = Stage(team_id=team.id, name="Lead", position=0, probability=10, kind="open")
        account = Account(team_id=team.id, name="Acme")
        s.add_all([stage, account])
        s.flush()
        deal = Deal(
            team_id=team.id,
            account_id=account.id,
            title="Renewal",
            value=Decimal(1),
            stage_id=stage.id,
            owner_id=member.id,
            started_on=date(2026, 11, 1),
            stage_entered_at=ADDED[0],
        )
        task = Task(team_id=team.id, title="Call", kind="call", assignee_id=member.id)
        s.add_all([deal, task])
        s.flush()
        sprints = [
            Sprint(team_id=team.id, number=n, starts_on=date(2026, 11, 30), ends_on=date(2026, 12, 6), state="planned")
            for n in (1, 2)
        ]
        s.add_all(sprints)
        s.flush()
        first, second = sprints

        def card(sprint: Sprint, added: datetime, **item: int) -> SprintItem:
            return SprintItem(sprint_id=sprint.id, member_id=member.id, points=1, added_at=added, **item)

        s.add_all(
            [
                card(first, ADDED[0], deal_id=deal.id),
                card(first, ADDED[1], deal_id=deal.id),
                card(first, ADDED[2], task_id=task.id),
                card(second, ADDED[3], task_id=task.id),
            ]
        )
        s.add(RetroEntry(sprint_id=second.id, author_id=member.id, column="action", text="Shorter calls"))
        s.commit()
    return store


def test_upgrade_repairs_duplicates_left_by_races(db_url: str) -> None:
    store = _store_with_race_damage(db_url)
    store.upgrade()
    with store.session() as s:
        sprints = s.execute(select(Sprint.number, Sprint.state)).all()
        cards = s.execute(
            select(SprintItem.deal_id, SprintItem.task_id, SprintItem.added_at, SprintItem.removed_at).order_by(
                SprintItem.id
            )
        ).all()
        entries = s.scalars(select(RetroEntry.sprint_id)).all()
        kept = s.scalar(select(Sprint.id))
    assert sprints == [(1, "planned")]  # the later planned sprint was merged into the first
    assert entries == [kept]
    # The oldest card of each item stays; the later ones are removed when they were added.
    assert [(d, t, removed) for d, t, _added, removed in cards] == [
        (1, None, None),
        (1, None, ADDED[1]),
        (None, 1, None),
        (None, 1, ADDED[3]),
    ]
    store.dispose()


def test_after_the_upgrade_the_database_refuses_the_duplicates(db_url: str) -> None:
    store = _store_with_race_damage(db_url)
    store.upgrade()
    with store.session() as s:
        sprint = s.scalars(select(Sprint)).one()
        member_id = s.scalars(select(Member.id)).one()
        attempts = [
            SprintItem(sprint_id=sprint.id, member_id=member_id, deal_id=1),
            SprintItem(sprint_id=sprint.id, member_id=member_id, task_id=1),
            Sprint(team_id=sprint.team_id, number=3, starts_on=date(2026, 12, 7), ends_on=date(2026, 12, 13)),
            Team(name="Second", currency="EUR"),
        ]
        for row in attempts:
            with pytest.raises(IntegrityError), s.begin_nested():
                s.add(row)
        # A removed card does not count, nor does one active sprint beside the planned one.
        s.add(SprintItem(sprint_id=sprint.id, member_id=member_id, deal_id=1, removed_at=ADDED[5]))
        s.add(
            Sprint(
                team_id=sprint.team_id,
                number=3,
                starts_on=date(2026, 12, 7),
                ends_on=date(2026, 12, 13),
                state="active",
            )
        )
        s.commit()
    names = {ix["name"] for ix in inspect(store.engine).get_indexes("sprint_items")}
    assert {"uq_sprint_items_open_task", "uq_sprint_items_open_deal"} <= names
    store.dispose()


def test_a_store_with_two_teams_upgrades_and_keeps_both(db_url: str) -> None:
    store = Store(db_url)
    command.upgrade(store.alembic_config(), "0003")
    with store.session() as s:
        _team(s, "A")
        _team(s, "B")
        s.commit()
    with pytest.warns(UserWarning, match="holds 2 teams"):
        store.upgrade()
    with store.session() as s:
        assert s.scalars(select(Team.name).order_by(Team.name)).all() == ["A", "B"]
    assert store.current_revision() == schema_head()
    store.dispose()


def test_downgrade_drops_the_rules(db_url: str) -> None:
    store = Store(db_url)
    store.upgrade()
    command.downgrade(store.alembic_config(), "0003")
    assert "uq_sprints_one_planned" not in {ix["name"] for ix in inspect(store.engine).get_indexes("sprints")}
    with store.session() as s:
        _team(s, "A")
        _team(s, "B")  # no one-team rule any more
        s.commit()
    store.dispose()
