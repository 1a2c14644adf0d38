"""The pipeline report on the story: win rate, cycle, weighted value, velocity, rotting deals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from salessprint.domain import clock
from salessprint.services.deals import delete_deal, list_deals
from salessprint.services.reports.coaching import coaching
from salessprint.services.reports.pipeline import pipeline
from salessprint.store.db import Store
from tests.services.reports.sql import statements


def test_pipeline(story: Store) -> None:
    p = pipeline(story, "rita", start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert (p.won_deals, p.lost_deals, p.win_rate) == (1, 1, Decimal("50.0"))
    assert p.average_won_value == Decimal("3000.00")
    assert p.average_cycle_days == Decimal("17.0")  # 2 -> 19 November
    assert (p.open_deals, p.open_value) == (3, Decimal("7500.50"))
    assert p.weighted_value == Decimal("4000.30")  # 60 % of 6,500.50 + 10 % of 1,000
    assert p.qualified_open_deals == 2
    assert p.pipeline_velocity == Decimal("176.47")  # 2 x 50 % x 3,000 / 17
    # Beta and Gamma have sat in their stage since 2 November (over 21 days).
    assert p.rotting.count == 2 and p.rotting.value == Decimal("3500.50")
    assert [d.title for d in p.rotting.deals] == ["Beta", "Gamma"]
    assert p.rotting.deals[0].days_in_stage == 24


def test_pipeline_with_zero_lost_deals(story: Store) -> None:
    p = pipeline(story, "rita", start=date(2026, 11, 19), end=date(2026, 11, 19))
    assert (p.won_deals, p.lost_deals, p.win_rate) == (1, 0, Decimal("100.0"))


def test_pipeline_on_an_empty_team(empty_team: Store) -> None:
    p = pipeline(empty_team, "max")
    assert (p.won_deals, p.win_rate, p.average_cycle_days, p.pipeline_velocity) == (0, None, None, None)
    assert p.open_value == Decimal("0.00") and p.weighted_value == Decimal("0.00")


def test_open_deals_are_found_by_their_missing_close_date(story: Store) -> None:
    for call in (
        lambda: pipeline(story, "max"),
        lambda: coaching(story, "max"),
        lambda: list_deals(story, "max", open_only=True, limit=10),
    ):
        # every read of deals by stage kind, but for won deals closed in a range
        open_reads = [
            s
            for s in statements(story, call)
            if "stages.kind = " in s and "FROM deals" in s and "closed_on >=" not in s
        ]
        assert open_reads and all("deals.closed_on IS NULL" in s for s in open_reads), open_reads


# --- issue 12 item 5: one rep, per rep / territory / manager, a past range as of its end ---


def test_a_past_range_reports_the_open_pipeline_as_of_its_end(story: Store) -> None:
    """1-23 November: at the end of the 23rd Epsilon (lost on the 24th) was still open in
    Proposal, so four deals were open, not today's three; Beta, Gamma and Epsilon had sat in
    their stage since 2 November 10:00, before the 21-day limit (3 November 00:00)."""
    p = pipeline(story, "max", start=date(2026, 11, 1), end=date(2026, 11, 23))
    assert (p.open_as_of, p.open_as_of_today, p.open_note) == (date(2026, 11, 23), False, None)
    assert (p.won_deals, p.lost_deals, p.win_rate) == (1, 0, Decimal("100.0"))
    assert (p.open_deals, p.open_value) == (4, Decimal("8000.50"))  # Alpha, Beta, Gamma, Epsilon
    assert p.qualified_open_deals == 3  # all but Gamma (Lead)
    assert p.weighted_value == Decimal("4300.30")  # 60 % of 7,000.50 + 10 % of 1,000
    assert p.pipeline_velocity == Decimal("529.41")  # 3 x 100 % x 3,000 / 17 = 529.411...
    assert (p.rotting.count, p.rotting.value) == (3, Decimal("4000.50"))
    assert [(d.title, d.stage, d.days_in_stage) for d in p.rotting.deals] == [
        ("Beta", "Proposal", 21),
        ("Gamma", "Lead", 21),
        ("Epsilon", "Proposal", 21),
    ]


def test_a_past_range_sees_a_deal_in_the_stage_it_was_in_then(story: Store) -> None:
    """On 17 November Alpha was still Qualified (moved to Proposal on the 18th) and Delta
    (won on the 19th) still open in Negotiation: five open deals."""
    p = pipeline(story, "max", start=date(2026, 11, 1), end=date(2026, 11, 17))
    assert (p.open_deals, p.open_value, p.qualified_open_deals) == (5, Decimal("11000.50"), 4)
    # 25 % of 4,000 + 60 % of 2,500.50 + 10 % of 1,000 + 80 % of 3,000 + 60 % of 500
    assert p.weighted_value == Decimal("5300.30")
    assert (p.won_deals, p.lost_deals, p.win_rate, p.pipeline_velocity) == (0, 0, None, None)
    assert p.rotting.count == 0


def test_a_range_reaching_today_reports_todays_open_pipeline(story: Store) -> None:
    p = pipeline(story, "max", start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert (p.open_as_of, p.open_as_of_today, p.open_note) == (date(2026, 11, 26), True, None)


def test_one_rep(story: Store) -> None:
    p = pipeline(story, "max", start=date(2026, 11, 1), end=date(2026, 11, 30), member="rob")
    assert p.member == "rob"
    assert (p.won_deals, p.open_deals, p.open_value, p.weighted_value) == (0, 1, Decimal("1000.00"), Decimal("100.00"))
    assert [d.title for d in p.rotting.deals] == ["Gamma"] and p.rotting.count == 1
    past = pipeline(story, "max", start=date(2026, 11, 1), end=date(2026, 11, 23), member="rita")
    assert (past.open_deals, past.open_value, past.won_value) == (3, Decimal("7000.50"), Decimal("3000.00"))
    assert [d.title for d in past.rotting.deals] == ["Beta", "Epsilon"]


def test_per_member_as_of_a_past_end(story: Store) -> None:
    p = pipeline(story, "max", start=date(2026, 11, 1), end=date(2026, 11, 23), by="member")
    assert p.by == "member"
    rita, rob = p.groups
    assert (rita.key, rita.name, rob.key) == ("rita", "Rita Rep", "rob")
    assert (rita.won_deals, rita.won_value, rita.win_rate, rita.average_cycle_days) == (
        1,
        Decimal("3000.00"),
        Decimal("100.0"),
        Decimal("17.0"),
    )
    assert (rita.open_deals, rita.open_value, rita.qualified_open_deals) == (3, Decimal("7000.50"), 3)
    assert (rita.weighted_value, rita.pipeline_velocity) == (Decimal("4200.30"), Decimal("529.41"))
    assert (rita.rotting_deals, rita.rotting_value) == (2, Decimal("3000.50"))
    assert (rob.won_deals, rob.win_rate, rob.pipeline_velocity) == (0, None, None)
    assert (rob.open_deals, rob.open_value, rob.weighted_value, rob.rotting_deals) == (
        1,
        Decimal("1000.00"),
        Decimal("100.00"),
        1,
    )
    # the groups add up to the team
    assert sum(g.open_value for g in p.groups) == p.open_value
    assert sum(g.rotting_deals for g in p.groups) == p.rotting.count


def _territories_and_managers(store: Store) -> None:
    from sqlalchemy import select, update

    from salessprint.store.models import Member

    with store.session() as s:
        max_id = s.scalar(select(Member.id).where(Member.login == "max"))
        s.execute(update(Member).where(Member.login == "rita").values(territory="North", manager_id=max_id))
        s.execute(update(Member).where(Member.login == "rob").values(territory="South"))
        s.commit()


def test_per_territory_and_per_manager(team_store: Store) -> None:
    from tests.services.reports.story import build_story

    build_story(team_store)
    _territories_and_managers(team_store)
    by_t = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 30), by="territory")
    assert [(g.key, g.open_deals, g.open_value, g.won_value) for g in by_t.groups] == [
        ("North", 2, Decimal("6500.50"), Decimal("3000.00")),
        ("South", 1, Decimal("1000.00"), Decimal("0.00")),
    ]
    by_m = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 30), by="manager")
    assert [(g.key, g.name, g.open_deals, g.lost_deals) for g in by_m.groups] == [
        ("max", "Max Manager", 2, 1),
        ("(no manager)", "(no manager)", 1, 0),
    ]
    assert by_m.groups[0].win_rate == Decimal("50.0")


def test_a_deal_deleted_later_was_still_open_on_the_day(team_store: Store) -> None:
    """The audit log keeps the row as it stood: a deal deleted on the 25th was open on the 20th."""
    from tests.services.reports.story import at, build_story

    build_story(team_store)
    gamma = next(d for d in list_deals(team_store, "max") if d.title == "Gamma")
    with clock.freeze(at(25)):
        delete_deal(team_store, "max", gamma.id)
    past = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 20))
    assert (past.open_as_of_today, past.open_deals, past.open_value) == (False, 4, Decimal("8000.50"))
    now = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert (now.open_deals, now.open_value) == (2, Decimal("6500.50"))
    # deleted before the day's end: gone from that day's pipeline, and the rest still rebuilt
    after = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 25))
    assert (after.open_as_of_today, after.open_deals, after.open_value) == (False, 2, Decimal("6500.50"))


def test_a_past_range_the_history_cannot_rebuild_says_its_open_figures_are_todays(team_store: Store) -> None:
    """A deal written straight into the store (no audit log, no stage history) that started
    before the end but entered its stage after it: its stage on the day is unknown."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from salessprint.store.models import Account, Deal, Member, Stage
    from tests.services.reports.story import build_story

    build_story(team_store)
    with team_store.session() as s:
        rita = s.scalar(select(Member).where(Member.login == "rita"))
        stage = s.scalar(select(Stage).where(Stage.name == "Meeting"))
        account = s.scalar(select(Account).where(Account.name == "A"))
        assert rita and stage and account
        s.add(
            Deal(
                team_id=rita.team_id,
                account_id=account.id,
                title="Zeta",
                value=Decimal("700"),
                stage_id=stage.id,
                owner_id=rita.id,
                started_on=date(2026, 11, 3),
                stage_entered_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
                version=1,
            )
        )
        s.commit()
    p = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 20))
    assert (p.open_as_of, p.open_as_of_today) == (date(2026, 11, 26), True)
    assert p.open_note is not None and "as of today (2026-11-26), not 2026-11-20" in p.open_note
    assert "its stage then is not recorded" in p.open_note
    assert (p.open_deals, p.open_value) == (4, Decimal("8200.50"))  # today's: Alpha, Beta, Gamma, Zeta


def test_one_rep_split_by_territory_is_that_reps_group(team_store: Store) -> None:
    from tests.services.reports.story import build_story

    build_story(team_store)
    _territories_and_managers(team_store)
    p = pipeline(team_store, "max", start=date(2026, 11, 1), end=date(2026, 11, 30), member="rob", by="territory")
    assert [(g.key, g.open_deals, g.open_value) for g in p.groups] == [("South", 1, Decimal("1000.00"))]
    assert (p.open_deals, p.open_value) == (1, Decimal("1000.00"))
