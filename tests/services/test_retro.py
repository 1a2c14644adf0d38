"""The retro board read model: which sprint, counts per column in SQL, my votes."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import NotFound
from salessprint.services.retro import add_entry, retro_board, vote
from salessprint.services.sprints import close_sprint, plan_sprint, start_sprint


def test_board_of_no_sprint_is_empty(team_store) -> None:
    board = retro_board(team_store, "rita")
    assert (board.sprint_number, board.numbers, board.entries, board.counts) == (None, [], [], {})
    plan_sprint(team_store, "max")  # a planned sprint has no retro yet
    assert retro_board(team_store, "rita").sprint_number is None


def test_board_counts_votes_and_sprint_choice(team_store) -> None:
    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    well = add_entry(team_store, "rita", "went_well", "Short calls")
    add_entry(team_store, "rob", "went-well", "Pairing on demos")
    add_entry(team_store, "rob", "to_improve", "Late notes")
    vote(team_store, "rita", well.id)
    vote(team_store, "rob", well.id)

    board = retro_board(team_store, "rita")
    assert (board.sprint_number, board.sprint_state, board.numbers) == (1, "active", [1])
    assert board.counts == {"went_well": 2, "to_improve": 1}
    assert board.my_votes == [well.id]
    assert board.entries[0].id == well.id and board.entries[0].votes == 2
    assert retro_board(team_store, "max").my_votes == []

    close_sprint(team_store, "max")
    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    add_entry(team_store, "rita", "action", "Book demos earlier", owner="rob")
    current = retro_board(team_store, "rita")
    assert (current.sprint_number, current.numbers, current.counts) == (2, [1, 2], {"action": 1})
    assert current.entries[0].owner == "rob" and current.entries[0].task_id is not None
    assert retro_board(team_store, "rita", 1).counts == {"went_well": 2, "to_improve": 1}
    with pytest.raises(NotFound):
        retro_board(team_store, "rita", 9)


def test_an_admin_cannot_delete_another_teams_entry(team_store) -> None:
    """A store that held two teams before migration 0004 keeps both: each
    team's admin still reaches only their own team's retro."""
    from sqlalchemy import text

    from salessprint.services.retro import delete_entry, list_entries
    from salessprint.store.models import Member, Team

    rule = "TRIGGER" if team_store.backend == "sqlite" else "INDEX"
    with team_store.engine.begin() as conn:
        conn.execute(text(f"DROP {rule} uq_teams_one_per_store"))
    with team_store.session() as s:
        other = Team(name="Other", currency="EUR")
        s.add(other)
        s.flush()
        s.add(Member(team_id=other.id, login="bea", name="Bea", role="admin"))
        s.commit()
    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    entry = add_entry(team_store, "rita", "went_well", "Short calls")

    with pytest.raises(NotFound, match=f"No retro entry #{entry.id}"):
        delete_entry(team_store, "bea", entry.id)
    assert [e.id for e in list_entries(team_store, "rita")] == [entry.id]


def test_the_board_reads_its_entries_counts_and_my_votes_in_one_statement(team_store) -> None:
    """Me, the sprints, the sprint, then one read of the entries that carries the
    count per column and my vote on each: four statements (six before), and the
    votes of other sprints' entries are not counted."""
    from benchmarks.queries import recording

    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    old = add_entry(team_store, "rob", "to_improve", "Late notes")
    vote(team_store, "rita", old.id)
    close_sprint(team_store, "max")
    plan_sprint(team_store, "max")
    start_sprint(team_store, "max")
    well = add_entry(team_store, "rita", "went_well", "Short calls")
    other = add_entry(team_store, "rob", "went_well", "Pairing on demos")
    vote(team_store, "rita", well.id)
    vote(team_store, "rob", well.id)
    vote(team_store, "rob", other.id)

    with recording(team_store.engine) as seen:
        board = retro_board(team_store, "rita")
    assert len(seen) == 4, [s.sql for s in seen]
    assert board.counts == {"went_well": 2}
    assert [(e.id, e.votes) for e in board.entries] == [(well.id, 2), (other.id, 1)]
    assert board.my_votes == [well.id]
    assert retro_board(team_store, "rita", 1).my_votes == [old.id]
