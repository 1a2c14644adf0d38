"""The pipeline read model: per-stage SQL aggregates, rotting, closed this quarter."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from salessprint.domain import clock
from salessprint.services.deals import add_deal, move_deal
from salessprint.services.pipeline_view import pipeline


def _stage(view, name):
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


def test_deals_come_in_windows_per_stage_with_full_totals(team_store, frozen: datetime) -> None:
    """The view holds the first `per_stage` deals of each stage (oldest stage
    change first); counts and values are aggregates over all of them;
    `stage_deals` pages through the rest by keyset; `deep_stage` loads deeper."""
    from salessprint.services.pipeline_view import stage_deals

    store = team_store
    for i in range(7):
        with clock.freeze(frozen - timedelta(days=10 - i)):
            add_deal(store, "rita", title=f"Lead {i}", account="Acme", value="100", stage="Lead")
    for i in range(3):
        won = add_deal(store, "rob", title=f"Won {i}", account="Beta", value="10", stage="Proposal")
        move_deal(store, "rob", won.id, "Won")
    view = pipeline(store, "max", per_stage=2)
    assert [d.title for d in view.deals] == ["Lead 0", "Lead 1", "Won 0", "Won 1"]
    assert (_stage(view, "Lead").count, _stage(view, "Lead").value) == (7, Decimal("700.00"))
    assert (view.total_count, view.total_value) == (7, Decimal("700.00"))
    seen = [d for d in view.deals if d.stage == "Lead"]
    while True:
        window = stage_deals(store, "max", "Lead", after=seen[-1].key, limit=2)
        assert len(window.deals) <= 2
        seen += window.deals
        if not window.more_after:
            break
    assert [d.title for d in seen] == [f"Lead {i}" for i in range(7)]
    won_rest = stage_deals(store, "max", "Won", after=view.deals[-1].key, limit=2)
    assert [d.title for d in won_rest.deals] == ["Won 2"] and not won_rest.more_after
    deep = pipeline(store, "max", per_stage=2, deep_stage="Lead", deep=5)
    assert [d.title for d in deep.deals if d.stage == "Lead"] == [f"Lead {i}" for i in range(5)]
    assert len([d for d in deep.deals if d.stage == "Won"]) == 2
    assert [d.title for d in stage_deals(store, "rob", "Won", mine=True).deals] == ["Won 0", "Won 1", "Won 2"]


def test_deals_in_view_are_found_through_the_closed_on_index(team_store) -> None:
    """Open ⇔ closed_on NULL and closed this quarter are each a range of
    ix_deals_team_closed; no statement walks all of the team's deals."""
    from benchmarks.queries import recording
    from salessprint.services.pipeline_view import stage_deals

    store = team_store
    add_deal(store, "rita", title="Open one", account="Acme", value="100", stage="Lead")
    with recording(store.engine) as seen:
        pipeline(store, "max")
        stage_deals(store, "max", "Lead")
        stage_deals(store, "max", "Won")
    sql = " ".join(s.sql for s in seen).lower()
    assert "stages.kind =" not in sql and "closed_on is null" in sql
    if store.engine.dialect.name != "sqlite":
        return
    with store.engine.connect() as conn:
        for st in seen:
            if "deals" not in st.sql.lower():
                continue
            plan = " ".join(str(r[3]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {st.sql}", st.params))
            assert "ix_deals_team_closed" in plan and "ix_deals_team_rank" not in plan, plan
            assert "SCAN deals" not in plan, plan
