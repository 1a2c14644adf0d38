"""The deal room's read: one deal with its story, tasks and account, on both backends."""

from __future__ import annotations

from typing import Any

import pytest

from salessprint.domain.errors import NotFound, PermissionDenied
from salessprint.services.activities import log_activity
from salessprint.services.deal_room import account_view, deal_room
from salessprint.services.deals import add_collaborator, add_deal, remove_collaborator, update_deal
from salessprint.services.notes import add_note
from salessprint.services.tasks import add_task
from salessprint.services.undo import undo


def test_the_room_holds_the_deal_its_timeline_and_tasks(team_store: Any) -> None:
    store = team_store
    deal = add_deal(store, "rita", title="Acme renewal", account="Acme", value="5000", expected_close="2026-12-10")
    update_deal(store, "rita", deal.id, expected_close="2026-12-20")
    log_activity(store, "rita", kind="call", outcome="left a voicemail", deal_id=deal.id)
    add_note(store, "max", "budget approved", deal_id=deal.id)
    task = add_task(store, "rita", title="Send the quote", deal_id=deal.id)
    room = deal_room(store, "max", deal.id)  # anyone on the team reads it
    assert room.deal.title == "Acme renewal" and room.close_moves == 1
    assert [t.id for t in room.tasks] == [task.id]
    kinds = [e.kind for e in room.timeline]
    assert {"note", "activity", "change"} <= set(kinds)
    assert any(e.text == "logged a call: left a voicemail" for e in room.timeline)
    assert room.stages[0].name == "Lead"
    assert {m.login for m in room.members} >= {"rita", "max", "ada"}


def test_remove_a_collaborator_checks_rights_and_undo_brings_them_back(team_store: Any) -> None:
    store = team_store
    deal = add_deal(store, "rita", title="Shared", account="Beta", value="1")
    add_collaborator(store, "rita", deal.id, "max")
    with pytest.raises(NotFound, match="not a collaborator"):
        remove_collaborator(store, "rita", deal.id, "ada")
    theirs = add_deal(store, "ada", title="Not mine", account="Beta", value="1")
    add_collaborator(store, "ada", theirs.id, "max")
    with pytest.raises(PermissionDenied):
        remove_collaborator(store, "rita", theirs.id, "max")
    assert remove_collaborator(store, "rita", deal.id, "max").collaborators == []
    undo(store, "rita")
    assert deal_room(store, "rita", deal.id).deal.collaborators == ["max"]


def test_the_account_lists_its_deals_open_first_and_its_notes(team_store: Any) -> None:
    store = team_store
    first = add_deal(store, "rita", title="Pilot", account="Gamma", value="1")
    second = add_deal(store, "rita", title="Rollout", account="Gamma", value="2")
    add_deal(store, "rita", title="Elsewhere", account="Delta", value="3")
    add_note(store, "rita", "they use a rival tool", account="Gamma")
    add_note(store, "max", "CFO changed", deal_id=second.id)
    view = account_view(store, "max", first.id)
    assert view.name == "Gamma"
    assert {d.title for d in view.deals} == {"Pilot", "Rollout"}
    assert [(n.deal_title, n.text) for n in view.notes] == [("Rollout", "CFO changed"), (None, "they use a rival tool")]
