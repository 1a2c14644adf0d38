"""The app's first frame, read before SQLAlchemy and pydantic are imported.

`first_read` is `store.first_read` (the SQLite driver alone; see its docstring
for why). `context_of` and `board_of` turn what it read into the values the
store's own reads give (`AppContext`, `BoardView`); they import pydantic and
SQLAlchemy, so they are called after the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from salessprint.store.first_read import FirstBoard, FirstCard, FirstRead, first_read

if TYPE_CHECKING:
    from salessprint.services.app_context import AppContext
    from salessprint.services.board import BoardView

__all__ = ["FirstBoard", "FirstCard", "FirstRead", "board_of", "context_of", "first_read"]


def context_of(read: FirstRead) -> AppContext:
    """What `app_context.load_context` gives, from the first read."""
    from salessprint.domain.values import MemberView, SprintView, StageView, TeamView
    from salessprint.services.app_context import AppContext

    team = dict(read.team)
    stages = [StageView(**s) for s in team.pop("stages")]
    return AppContext(
        team=TeamView(**team, stages=stages),
        sprint=SprintView(**read.sprint) if read.sprint is not None else None,
        me=MemberView(**read.me),
    )


def board_of(board: FirstBoard) -> BoardView:
    """What `board.board(store, login)` gives (everyone's cards), from the first read."""
    from dataclasses import asdict

    from salessprint.domain.values import SprintItemView
    from salessprint.services.board import BoardView, LaneView

    lanes = {
        status: LaneView(status, [SprintItemView(**asdict(c)) for c in lane.cards], lane.count, lane.points, lane.more)
        for status, lane in board.lanes.items()
    }
    return BoardView(board.sprint_number, lanes, list(board.reps), None)
