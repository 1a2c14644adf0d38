"""Deals through the services, on both backends: lifecycle and audit, stale writes, who may touch what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from salessprint.domain.errors import NotFound, PermissionDenied, StaleWrite
from salessprint.services import deals, targets
from salessprint.services.members import add_member, list_members


def test_deal_lifecycle_and_audit(team_store) -> None:
    d = deals.add_deal(team_store, "rita", title="Acme rollout", account="Acme", value="12500.50", points=3)
    assert d.value == Decimal("12500.50") and d.owner == "rita" and d.stage == "Lead"
    moved = deals.move_deal(team_store, "rita", d.id, "proposal")
    assert moved.stage == "Proposal" and moved.version == d.version + 1
    won = deals.move_deal(team_store, "rita", d.id, "Won")
    assert won.closed_on == date(2026, 11, 26)
    lost = deals.move_deal(team_store, "rita", d.id, "Lost", lost_reason="Price")
    assert lost.lost_reason == "Price"
    from salessprint.store.models import Change, DealEvent

    with team_store.session() as s:
        changes = s.query(Change).filter_by(entity="deal", entity_id=d.id).all()
        events = s.query(DealEvent).filter_by(deal_id=d.id, kind="stage").all()
    assert [c.action for c in changes] == ["create", "update", "update", "update"]
    assert changes[1].before["stage_id"] != changes[1].after["stage_id"]
    assert [e.new for e in events] == ["Proposal", "Won", "Lost"]


def test_stale_write_is_refused_with_the_fresh_row(team_store) -> None:
    d = deals.add_deal(team_store, "rita", title="Deal", account="A", value="100")
    deals.update_deal(team_store, "rita", d.id, expected_version=d.version, value="200")
    with pytest.raises(StaleWrite) as err:
        deals.update_deal(team_store, "rita", d.id, expected_version=d.version, value="300")
    assert err.value.current is not None and err.value.current["value"] == "200.00"
    assert deals.get_deal(team_store, "rita", d.id).value == Decimal("200.00")


def test_reps_touch_only_their_own_work(team_store) -> None:
    d = deals.add_deal(team_store, "rita", title="Rita's", account="A", value="1")
    with pytest.raises(PermissionDenied, match="manager"):
        deals.move_deal(team_store, "rob", d.id, "Qualified")
    deals.add_collaborator(team_store, "rita", d.id, "rob")
    assert deals.move_deal(team_store, "rob", d.id, "Qualified").stage == "Qualified"
    with pytest.raises(PermissionDenied):
        deals.add_deal(team_store, "rob", title="x", account="A", value="1", owner="rita")
    with pytest.raises(PermissionDenied, match="admin"):
        add_member(team_store, "max", login="new", name="New")
    with pytest.raises(PermissionDenied):
        targets.set_target(team_store, "rob", login="rita", metric="calls", amount="25", period="day")
    assert targets.set_target(team_store, "rob", login="rob", metric="calls", amount="25", period="day").amount == 25


def test_unknown_names_are_not_found(team_store) -> None:
    with pytest.raises(NotFound, match="No member with login 'ghost'"):
        deals.add_deal(team_store, "max", title="x", account="A", value="1", owner="ghost")
    with pytest.raises(NotFound, match="Unknown stage"):
        deals.add_deal(team_store, "max", title="x", account="A", value="1", stage="Limbo")
    with pytest.raises(NotFound, match="not a member"):
        list_members(team_store, "ghost")


def _deal_on_the_board(store, stage: str = "Proposal") -> tuple[int, int]:
    from salessprint.services.sprints import add_item, plan_sprint, start_sprint

    d = deals.add_deal(store, "rita", title="Acme rollout", account="Acme", value="5000", stage=stage)
    plan_sprint(store, "max")
    card = add_item(store, "rita", "deal", d.id)
    start_sprint(store, "max")
    return d.id, card.id


def _card(store) -> tuple[str, object]:
    from salessprint.services.sprints import sprint_items

    (card,) = sprint_items(store, "rita")
    return card.status, card.outcome


def _card_changes(store, card_id: int) -> list[tuple[str, int | None]]:
    from salessprint.store.models import Change

    with store.session() as s:
        rows = s.query(Change).filter_by(entity="sprint_item", entity_id=card_id).order_by(Change.id).all()
        return [(c.action, c.cause_id) for c in rows]


@pytest.mark.parametrize("stage", ["Negotiation", "Lead", "Lost", "Won"])
def test_a_stage_change_never_reverts_a_done_card(team_store, stage: str) -> None:
    from salessprint.services.sprints import move_card

    deal_id, card_id = _deal_on_the_board(team_store)
    move_card(team_store, "rita", card_id, "done")
    logged = _card_changes(team_store, card_id)

    moved = deals.move_deal(team_store, "rita", deal_id, stage, lost_reason="Price")

    assert _card(team_store)[0] == "done"
    assert _card_changes(team_store, card_id) == logged  # the card was not written at all
    assert moved.also == []


def test_reopening_a_won_deal_leaves_its_card_done(team_store) -> None:
    deal_id, card_id = _deal_on_the_board(team_store)
    deals.move_deal(team_store, "rita", deal_id, "Won")
    logged = _card_changes(team_store, card_id)
    reopened = deals.move_deal(team_store, "rita", deal_id, "Negotiation")
    assert _card(team_store)[0] == "done" and reopened.also == []
    assert _card_changes(team_store, card_id) == logged


def test_winning_marks_the_card_done_logged_and_told(team_store) -> None:
    from salessprint.store.models import Change

    deal_id, card_id = _deal_on_the_board(team_store)
    won = deals.move_deal(team_store, "rita", deal_id, "Won")

    assert won.also == ["Its card in sprint 1 is now done."]
    assert _card(team_store)[0] == "done"
    with team_store.session() as s:
        win = s.query(Change).filter_by(entity="deal", entity_id=deal_id).order_by(Change.id.desc()).first()
    ((action, cause),) = [c for c in _card_changes(team_store, card_id) if c[1] is not None]
    assert (action, cause) == ("update", win.id)
    # A win whose card is already done writes no card.
    deals.move_deal(team_store, "rita", deal_id, "Negotiation")
    logged = _card_changes(team_store, card_id)
    assert deals.move_deal(team_store, "rita", deal_id, "Won").also == []
    assert _card_changes(team_store, card_id) == logged
