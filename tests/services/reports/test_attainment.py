"""Attainment on the story: won value against the quota, per rep, month and quarter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from salessprint.domain import clock
from salessprint.domain.errors import InvalidInput
from salessprint.services.deals import add_deal, move_deal
from salessprint.services.reports.attainment import TeamAttainment, attainment
from salessprint.services.targets import set_target
from salessprint.store.db import Store
from tests.services.reports.story import quota_changes, ramp_for_rita


def test_attainment_this_month_and_inclusive_ranges(story: Store) -> None:
    a = attainment(story, "rita")
    assert (a.start, a.end) == (date(2026, 11, 1), date(2026, 11, 30))
    rita, rob = a.members
    assert (rita.login, rita.name, rita.won_value, rita.won_deals, rita.quota, rita.attainment) == (
        "rita",
        "Rita Rep",
        Decimal("3000.00"),
        1,
        Decimal("10000.00"),
        Decimal("30.0"),
    )
    assert rita.months[0].period == "2026-11" and rita.quarters[0].period == "2026-Q4"
    # A rep with no target: no quota, no attainment.
    assert (rob.won_value, rob.quota, rob.attainment) == (Decimal("0.00"), None, None)
    one_day = attainment(story, "rita", start=date(2026, 11, 19), end=date(2026, 11, 19), member="rita")
    # One of November's 21 working days: 10,000 / 21 = 476.19; 3,000 / 476.19 = 630.0 %
    assert one_day.members[0].quota == Decimal("476.19")
    assert one_day.members[0].attainment == Decimal("630.0")
    after = attainment(story, "rita", start=date(2026, 11, 20), end=date(2026, 11, 30), member="rita")
    assert after.members[0].won_value == Decimal("0.00")
    empty = attainment(story, "rita", start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert [m.won_deals for m in empty.members] == [0, 0]
    assert empty.members[0].attainment == Decimal("0.0")


def test_attainment_by_quarter_uses_the_monthly_quota_pro_rata(story: Store) -> None:
    a = attainment(story, "rita", start=date(2026, 10, 1), end=date(2026, 12, 31), member="rita")
    m = a.members[0]
    assert [p.period for p in m.months] == ["2026-10", "2026-11", "2026-12"]
    assert [p.won_value for p in m.months] == [Decimal("0.00"), Decimal("3000.00"), Decimal("0.00")]
    assert [(q.period, q.quota, q.won_value, q.attainment) for q in m.quarters] == [
        ("2026-Q4", Decimal("30000.00"), Decimal("3000.00"), Decimal("10.0"))
    ]


def test_attainment_rejects_half_a_range(story: Store) -> None:
    with pytest.raises(InvalidInput):
        attainment(story, "rita", start=date(2026, 11, 1))
    with pytest.raises(InvalidInput):
        attainment(story, "rita", start=date(2026, 11, 2), end=date(2026, 11, 1))


def test_attainment_on_an_empty_team(empty_team: Store) -> None:
    a = attainment(empty_team, "max")
    assert a.team == TeamAttainment(won_value=Decimal("0.00"), won_deals=0, quota=None, attainment=None)


def test_attainment_uses_the_quota_in_force_in_each_period(team_store: Store) -> None:
    # 10,000/month from January, 20,000/month from July (issue 12).
    quota_changes(
        team_store,
        [("2026-01-01", "10000"), ("2026-07-01", "20000")],
        [(datetime(2026, 1, 15, 10, tzinfo=UTC), "5000"), (datetime(2026, 8, 12, 10, tzinfo=UTC), "30000")],
    )
    a = attainment(team_store, "max", start=date(2026, 1, 1), end=date(2026, 12, 31), member="rita")
    rita = a.members[0]
    # 6 x 10,000 + 6 x 20,000, not 12 x 20,000; 35,000 / 180,000 = 19.4 %
    assert (rita.won_value, rita.quota, rita.attainment) == (Decimal("35000.00"), Decimal("180000.00"), Decimal("19.4"))
    months = {p.period: (p.quota, p.attainment) for p in rita.months}
    assert months["2026-01"] == (Decimal("10000.00"), Decimal("50.0"))
    assert months["2026-06"] == (Decimal("10000.00"), Decimal("0.0"))
    assert months["2026-07"] == (Decimal("20000.00"), Decimal("0.0"))
    assert months["2026-08"] == (Decimal("20000.00"), Decimal("150.0"))
    quarters = {p.period: p.quota for p in rita.quarters}
    assert quarters == {
        "2026-Q1": Decimal("30000.00"),
        "2026-Q2": Decimal("30000.00"),
        "2026-Q3": Decimal("60000.00"),
        "2026-Q4": Decimal("60000.00"),
    }
    assert a.team.quota == Decimal("180000.00")
    # Ended months before 26 November: January to October. Only August (150 %) is
    # at or above 90 %; the last three (Aug 150, Sep 0, Oct 0) are not a steady fall.
    assert rita.consistency is not None
    assert (rita.consistency.months, rita.consistency.at_or_above_90, rita.consistency.trend) == (10, 1, "mixed")


def test_attainment_is_figured_on_the_exact_quota_not_the_rounded_one(team_store: Store) -> None:
    """10,000/month until 14 July and 20,000 from the 15th: July's quota is 10,000 x 10/23 +
    20,000 x 13/23 = 15,652.1739..., shown as 15,652.17. Won 7,818.26 is 49.9499... % of it:
    49.9 %, where dividing by the shown 15,652.17 reads 50.0 % (issue 12, item 6)."""
    quota_changes(
        team_store,
        [("2026-01-01", "10000"), ("2026-07-15", "20000")],
        [(datetime(2026, 7, 20, 10, tzinfo=UTC), "7818.26")],
    )
    a = attainment(team_store, "max", start=date(2026, 7, 1), end=date(2026, 7, 31), member="rita")
    rita = a.members[0]
    assert (rita.quota, rita.attainment) == (Decimal("15652.17"), Decimal("49.9"))
    assert [(p.quota, p.attainment) for p in rita.months] == [(Decimal("15652.17"), Decimal("49.9"))]
    assert (a.team.quota, a.team.attainment) == (Decimal("15652.17"), Decimal("49.9"))


def test_attainment_with_a_ramp_and_a_quota_change_mid_year(team_store: Store) -> None:
    # Rita starts 1 January on the team's 25/50/75/100 % ramp by quarter;
    # 10,000/month from January, 20,000/month from July.
    ramp_for_rita(team_store, date(2026, 1, 1), "25,50,75,100", 3)
    quota_changes(
        team_store,
        [("2026-01-01", "10000"), ("2026-07-01", "20000")],
        [(datetime(2026, 1, 15, 10, tzinfo=UTC), "5000"), (datetime(2026, 8, 12, 10, tzinfo=UTC), "30000")],
    )
    rita = attainment(team_store, "max", start=date(2026, 1, 1), end=date(2026, 12, 31), member="rita").members[0]
    months = {p.period: (p.quota, p.attainment) for p in rita.months}
    # January 25 % of 10,000; June 50 % of 10,000; July and August 75 % of 20,000.
    assert months["2026-01"] == (Decimal("2500.00"), Decimal("200.0"))
    assert months["2026-06"] == (Decimal("5000.00"), Decimal("0.0"))
    assert months["2026-07"] == (Decimal("15000.00"), Decimal("0.0"))
    assert months["2026-08"] == (Decimal("15000.00"), Decimal("200.0"))
    assert months["2026-10"] == (Decimal("20000.00"), Decimal("0.0"))
    quarters = {p.period: p.quota for p in rita.quarters}
    assert quarters == {
        "2026-Q1": Decimal("7500.00"),
        "2026-Q2": Decimal("15000.00"),
        "2026-Q3": Decimal("45000.00"),
        "2026-Q4": Decimal("60000.00"),
    }
    # The year: 7,500 + 15,000 + 45,000 + 60,000; 35,000 / 127,500 = 27.5 %.
    assert (rita.quota, rita.attainment) == (Decimal("127500.00"), Decimal("27.5"))
    c = rita.consistency
    assert c is not None and (c.months, c.at_or_above_90, c.trend) == (10, 2, "mixed")
    assert [(m.period, m.attainment) for m in c.recent] == [
        ("2026-08", Decimal("200.0")),
        ("2026-09", Decimal("0.0")),
        ("2026-10", Decimal("0.0")),
    ]


def test_consistency_reads_a_steady_rep_and_a_falling_one_apart(team_store: Store) -> None:
    # Rita: 150 %, 120 %, 95 % of 10,000 in August to October; rob: 90 %, 92 %, 89 %.
    quota_changes(
        team_store,
        [("2026-01-01", "10000")],
        [(datetime(2026, m, 12, 10, tzinfo=UTC), v) for m, v in ((8, "15000"), (9, "12000"), (10, "9500"))],
    )
    set_target(
        team_store, "max", login="rob", metric="revenue", period="month", amount="10000", effective_from="2026-08-01"
    )
    for m, v in ((8, "9000"), (9, "9200"), (10, "8900")):
        with clock.freeze(datetime(2026, m, 12, 10, tzinfo=UTC)):
            deal = add_deal(team_store, "max", title=f"Rob {m}", account="R", value=v, owner="rob", stage="Qualified")
            move_deal(team_store, "max", deal.id, "Won")
    a = attainment(team_store, "max", start=date(2026, 8, 1), end=date(2026, 10, 31))
    by = {m.login: m.consistency for m in a.members}
    assert by["rita"] is not None and by["rob"] is not None
    assert (by["rita"].at_or_above_90, by["rita"].trend) == (3, "falling")
    assert (by["rob"].at_or_above_90, by["rob"].trend) == (2, "steady")
