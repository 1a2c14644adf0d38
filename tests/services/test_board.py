"""The board's read model: windows of cards per lane, figures from SQL (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import insert, select

from salessprint.services.board import LANE_WINDOW, board, lane_window
from salessprint.services.sprints import add_item, move_card, plan_sprint, sprint_items, start_sprint
from salessprint.services.tasks import add_task
from salessprint.store.models import Member, Sprint, SprintItem, Task, Team


def _fill(store: Any, cards: int) -> None:
    """`cards` task cards on the active sprint, a third each of rita's and rob's
    and max's, in all three lanes (rows written directly: 10,000 through the
    services would take minutes)."""
    with store.session() as s:
        team = s.scalar(select(Team.id))
        sprint = s.scalar(select(Sprint.id).where(Sprint.state == "active"))
        members = list(s.scalars(select(Member.id).where(Member.login.in_(["rita", "rob", "max"])).order_by(Member.id)))
        statuses = ["todo", "doing", "done", "todo"]
        tasks = [
            {
                "team_id": team,
                "title": f"Task {i}",
                "kind": "call",
                "assignee_id": members[i % 3],
                "points": i % 5,
                "status": statuses[i % 4],
                "backlog_rank": float(i),
            }
            for i in range(cards)
        ]
        s.execute(insert(Task), tasks)
        ids = list(s.scalars(select(Task.id).where(Task.title.like("Task %")).order_by(Task.id)))
        s.execute(
            insert(SprintItem),
            [
                {"sprint_id": sprint, "task_id": task_id, "member_id": members[i % 3], "points": i % 5}
                for i, task_id in enumerate(ids)
            ],
        )
        s.commit()


@pytest.fixture
def sprint_store(team_store: Any) -> Any:
    s = team_store
    plan_sprint(s, "max", goal="g")
    first = add_task(s, "rita", title="First card", kind="call", points=2)
    add_item(s, "rita", "task", first.id)
    start_sprint(s, "max")
    return s


def _truth(store: Any, login: str | None = None) -> dict[str, list[int]]:
    """Every card id per lane, from the whole read (the old way)."""
    out: dict[str, list[int]] = {"todo": [], "doing": [], "done": []}
    for card in sprint_items(store, "max"):
        if not card.removed and (login is None or card.owner == login):
            out[card.status].append(card.id)
    return out


@pytest.mark.parametrize("cards", [200, 10_000])
def test_a_board_of_any_size_reads_one_window_per_lane_in_five_statements(sprint_store: Any, cards: int) -> None:
    """200 cards or 10,000: the same five statements, at most LANE_WINDOW
    cards per lane, and the lanes' counts and points as the whole read finds them."""
    from benchmarks.queries import recording

    s = sprint_store
    _fill(s, cards)
    truth = _truth(s)
    with recording(s.engine) as seen:
        view = board(s, "max")
    assert len(seen) == 5, [st.sql[:60] for st in seen]
    whole = {c.id: c for c in sprint_items(s, "max")}
    for status, ids in truth.items():
        lane = view.lanes[status]
        assert [c.id for c in lane.cards] == ids[:LANE_WINDOW]
        assert lane.count == len(ids) and lane.points == sum(whole[i].points for i in ids)
        assert lane.more == (len(ids) > LANE_WINDOW)
    assert [login for _name, login in view.reps] == ["max", "rita", "rob"]


def test_windows_walk_a_lane_in_order_and_a_rep_filter_counts_that_reps_cards(sprint_store: Any) -> None:
    s = sprint_store
    _fill(s, 500)
    for rep in (None, "rob"):
        view = board(s, "rita", rep=rep)
        truth = _truth(s, rep)
        for status, ids in truth.items():
            lane = view.lanes[status]
            held, more = [c.id for c in lane.cards], lane.more
            while more:
                cards, more = lane_window(s, "rita", status, after=held[-1], rep=rep, limit=25)
                assert 0 < len(cards) <= 25
                held += [c.id for c in cards]
            assert held == ids and lane.count == len(ids)
    rob = board(s, "rita", rep="rob")
    assert {c.owner for lane in rob.lanes.values() for c in lane.cards} == {"rob"}
    assert rob.lanes["doing"].count < board(s, "rita").lanes["doing"].count


def test_held_windows_are_read_again_whole_and_a_moved_card_changes_lane(sprint_store: Any) -> None:
    s = sprint_store
    _fill(s, 300)
    view = board(s, "max", held={"todo": 100})
    assert len(view.lanes["todo"].cards) == 100 and len(view.lanes["doing"].cards) == LANE_WINDOW
    card = view.lanes["todo"].cards[0]
    move_card(s, "max", card.id, "doing")
    after = board(s, "max")
    assert card.id in [c.id for c in after.lanes["doing"].cards]
    assert after.lanes["todo"].count == view.lanes["todo"].count - 1
    assert after.lanes["doing"].count == view.lanes["doing"].count + 1


def test_no_sprint_no_cards(team_store: Any) -> None:
    view = board(team_store, "rita")
    assert view.sprint_number is None and all(not lane.cards and not lane.count for lane in view.lanes.values())
    assert lane_window(team_store, "rita", "todo", after=0) == ([], False)


def test_board_update_reads_no_board_when_only_my_own_moves_changed_it(sprint_store: Any) -> None:
    """The board screen's read: after my move, the changes since the last read are the
    move's own (its task's, its card's, the activity a finished call logs), so no board
    is read on SQLite; a change of anyone else's is read. PostgreSQL always reads: its
    transactions may commit a lower change id after a higher one."""
    from salessprint.services.board import board_update
    from salessprint.services.sprints import move_board_card

    s = sprint_store
    _fill(s, 50)
    first = board_update(s, "max")
    assert first.board is not None and first.board == board(s, "max")
    card = first.board.lanes["todo"].cards[0]
    moved = move_board_card(s, "max", card.id, "done", expected_version=card.version)
    assert moved.card.status == "done" and moved.card.version > card.version
    assert len(moved.changes) == 3  # the task, the activity its call logged, the card
    in_order = s.engine.dialect.name == "sqlite"
    again = board_update(s, "max", seen=first.newest_change, shown=moved.changes)
    assert again.newest_change == max(moved.changes)
    assert (again.board is None) == in_order
    assert board_update(s, "max", seen=first.newest_change, shown=moved.changes - {max(moved.changes)}).board
    theirs = next(c for c in first.board.lanes["todo"].cards if c.owner == "rita" and c.id != card.id)
    move_card(s, "rita", theirs.id, "doing")
    read = board_update(s, "max", seen=again.newest_change, shown=moved.changes)
    assert read.board is not None and theirs.id in [c.id for c in read.board.lanes["doing"].cards]
    assert board_update(s, "max", seen=read.newest_change).board is None or not in_order


def test_move_board_card_moves_like_move_card_and_names_its_changes(sprint_store: Any) -> None:
    from salessprint.services.sprints import move_board_card

    s = sprint_store
    card = board(s, "rita").lanes["todo"].cards[0]
    moved = move_board_card(s, "rita", card.id, "doing", expected_version=card.version)
    assert moved.card == sprint_items(s, "rita")[0]
    assert len(moved.changes) == 2  # the task and its card
    assert move_board_card(s, "rita", card.id, "doing").changes == frozenset()  # already there: nothing written
