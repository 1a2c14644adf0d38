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
