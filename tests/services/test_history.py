"""History on both backends: the change log filtered by member and entity."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import InvalidInput, NotFound
from salessprint.services.deals import add_collaborator, add_deal
from salessprint.services.history import history, parse_entity


def test_history_filters_by_member_and_entity(team_store) -> None:
    a = add_deal(team_store, "rita", title="A", account="Acc", value="1")
    add_deal(team_store, "rob", title="B", account="Acc", value="2")
    add_collaborator(team_store, "rita", a.id, "rob")

    by_rob = history(team_store, "max", member="rob")
    assert {c.login for c in by_rob} == {"rob"}
    on_a = history(team_store, "rob", entity=f"deal:{a.id}")
    assert [c.entity for c in on_a] == ["deal_collaborator", "deal"]
    assert "added rob on deal" in on_a[0].summary
    with pytest.raises(InvalidInput):
        parse_entity("deal")
    with pytest.raises(NotFound):
        history(team_store, "rita", member="nobody")
