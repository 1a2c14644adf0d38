"""The pipeline read model: per-stage SQL aggregates, rotting, closed this quarter."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from salessprint.domain import clock
from salessprint.services.deals import add_deal, move_deal
from salessprint.services.pipeline_view import pipeline


def _stage(view, name):  # type: ignore[no-untyped-def]
    return next(s for s in view.stages if s.name == name)


def test_stage_aggregates_rotting_and_closed_this_quarter(team_store, frozen: datetime) -> None:
    store = team_store
    with clock.freeze(frozen - timedelta(days=30)):
        old = add_deal(store, "rita", title="Old lead", account="Acme", value="10000", stage="Lead")
    with clock.freeze(frozen - timedelta(days=80)):  # closed last quarter (September)
        past = add_deal(store, "rita", title="Won in September", account="Acme", value="99999", stage="Proposal")
        move_deal(store, "rita", past.id, "Won")
    add_deal(store, "rita", title="Fresh lead", account="Beta", value="5000", stage="Lead")
    add_deal(store, "rita", title="Proposal", account="Beta", value="20000", stage="Proposal")
    add_deal(store, "rob", title="Odd cents", account="Gamma", value="1000.01", stage="Negotiation")
    won = add_deal(store, "rita", title="Won now", account="Gamma", value="7000", stage="Negotiation")
    move_deal(store, "rita", won.id, "Won")
    lost = add_deal(store, "rob", title="Lost now", account="Gamma", value="3000", stage="Meeting")
    move_deal(store, "rob", lost.id, "Lost", lost_reason="Went with a competitor")

    view = pipeline(store, "max")
    lead = _stage(view, "Lead")
    assert (lead.count, lead.value, lead.weighted, lead.rotting) == (2, Decimal("15000.00"), Decimal("1500.00"), 1)
    proposal = _stage(view, "Proposal")
    assert (proposal.count, proposal.weighted) == (1, Decimal("12000.00"))
    negotiation = _stage(view, "Negotiation")
    # 1000.01 × 80% = 800.008, rounded to cents.
    assert (negotiation.count, negotiation.weighted) == (1, Decimal("800.01"))
    won_stage = _stage(view, "Won")
    assert (won_stage.count, won_stage.value) == (1, Decimal("7000.00"))  # September's win is last quarter
    assert _stage(view, "Lost").weighted == Decimal("0.00")
    assert _stage(view, "Meeting").count == 0
    assert (view.total_count, view.total_rotting) == (4, 1)
    assert view.total_value == Decimal("36000.01")
    assert view.total_weighted == Decimal("1500.00") + Decimal("12000.00") + Decimal("800.01")

    by_title = {d.title: d for d in view.deals}
    assert by_title["Old lead"].days_in_stage == 30 and by_title["Old lead"].rotting
    assert not by_title["Fresh lead"].rotting and by_title["Fresh lead"].days_in_stage == 0
    assert by_title["Lost now"].lost_reason == "Went with a competitor"
    assert not by_title["Lost now"].rotting
    assert "Won in September" not in by_title
    assert by_title["Old lead"].id == old.id


def test_mine_counts_only_my_deals(team_store) -> None:
    add_deal(team_store, "rita", title="Rita's", account="Acme", value="100", stage="Lead")
    add_deal(team_store, "rob", title="Rob's", account="Acme", value="200", stage="Lead")
    mine = pipeline(team_store, "rita", mine=True)
    assert [d.title for d in mine.deals] == ["Rita's"]
    assert _stage(mine, "Lead").value == Decimal("100.00")
    team = pipeline(team_store, "rita")
    assert _stage(team, "Lead").count == 2


def test_rotting_limit_is_the_teams(team_store, frozen: datetime) -> None:
    with clock.freeze(frozen - timedelta(days=21)):
        add_deal(team_store, "rita", title="Exactly 21 days", account="Acme", value="100", stage="Lead")
    with clock.freeze(frozen - timedelta(days=22)):
        add_deal(team_store, "rita", title="22 days", account="Acme", value="100", stage="Lead")
    view = pipeline(team_store, "rita")
    assert {d.title: d.rotting for d in view.deals} == {"Exactly 21 days": False, "22 days": True}
    assert _stage(view, "Lead").rotting == 1
