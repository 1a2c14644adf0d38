"""Moving a deal between stages on SQLAlchemy Core: `salessprint deal move` without the ORM.

The rules of a stage move are here once and `services/deals.py` (the ORM
path the app uses) applies them too: which stage a typed name means
(`stage_named`), what the deal holds after the move (`stage_move_values`:
entered now, the stage's own probability, closed today when won or lost,
the lost reason only when lost), the stage event it logs
(`stage_event_values`) and what a won deal does to its open cards
(`won_card_values`, `WON_CARD_TOLD`). This path writes through
`core_unit_of_work`: the same lookups and refusals, permission check (owner
or collaborator), version check, change rows (the cards' as following from
the deal's), NOTIFY and single transaction.
`tests/services/test_moves_core.py` runs each case both ways on copies of
one store, on SQLite and PostgreSQL, and compares every row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, select

from salessprint.domain import clock
from salessprint.domain.enums import StageKind, TaskStatus
from salessprint.domain.errors import NotFound
from salessprint.domain.permissions import Action
from salessprint.domain.text import check_text
from salessprint.services.core_uow import core_unit_of_work, retrying, row_json
from salessprint.services.tasks_core import OPEN_SPRINTS
from salessprint.store.db import Store
from salessprint.store.move_tables import deal_collaborators, deal_events, deals, sprint_items, sprints, stages

NO_DEAL = "No deal #{id} in this team."
WON_CARD_TOLD = "Its card in sprint {number} is now done."
"""What the user is told of each card a win marked done."""


class StageLike(Protocol):
    """A stage row (ORM or Core) as the rules read it."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def position(self) -> int: ...
    @property
    def kind(self) -> StageKind: ...


def stage_named(team_stages: Sequence[StageLike], name: str) -> Any:
    """The team's stage called `name` (any case, spaces around ignored), or
    NotFound listing the stages in pipeline order."""
    for stage in team_stages:
        if stage.name.lower() == name.strip().lower():
            return stage
    names = ", ".join(s.name for s in sorted(team_stages, key=lambda s: s.position))
    raise NotFound(f"Unknown stage '{name}'. The team's stages are: {names}.")


def stage_move_values(stage: StageLike, lost_reason: str | None, today: date) -> dict[str, Any]:
    """A deal's columns once moved to `stage` on the team's `today`: entered
    now, the stage's probability (its own cleared), closed today when won or
    lost (open again: no close day, no reason); the reason kept only when lost.
    InvalidInput for a reason with a control character."""
    values: dict[str, Any] = {"stage_id": stage.id, "stage_entered_at": clock.now(), "probability": None}
    if stage.kind == StageKind.OPEN:
        values.update(closed_on=None, lost_reason=None)
    else:
        reason = (lost_reason or "").strip() or None if stage.kind == StageKind.LOST else None
        values.update(closed_on=today, lost_reason=check_text(reason, "lost reason"))
    return values


def stage_event_values(deal_id: int, member_id: int, old_stage: str, new_stage: str) -> dict[str, Any]:
    """The stage history row of a move (reports read it)."""
    return {
        "deal_id": deal_id,
        "member_id": member_id,
        "at": clock.now(),
        "kind": "stage",
        "old": old_stage,
        "new": new_stage,
    }


def won_card_values(today: date) -> dict[str, Any]:
    """A won deal's open card: done on the team's `today`, now."""
    return {"status": TaskStatus.DONE, "done_on": today, "done_at": clock.now()}


@dataclass(frozen=True, slots=True)
class DealMoved:
    """What `deal move` tells: the deal, the stage it is in, and the cards the move changed."""

    id: int
    stage: str
    also: list[str]
    version: int


_DEAL = select(deals).where(deals.c.id == bindparam("deal_id"), deals.c.team_id == bindparam("team_id"))
_COLLABORATES = select(deal_collaborators.c.deal_id).where(
    deal_collaborators.c.deal_id == bindparam("deal_id"), deal_collaborators.c.member_id == bindparam("member_id")
)
_STAGES = select(stages).where(stages.c.team_id == bindparam("team_id"))
_OPEN_CARDS = (
    select(sprint_items, sprints.c.number.label("sprint_number"))
    .join(sprints, sprints.c.id == sprint_items.c.sprint_id)
    .where(
        sprint_items.c.deal_id == bindparam("deal_id"),
        sprint_items.c.removed_at.is_(None),
        sprint_items.c.status != TaskStatus.DONE,
        sprints.c.state.in_(OPEN_SPRINTS),
    )
    .order_by(sprint_items.c.id)
)


@retrying
def move_deal_core(
    store: Store,
    login: str,
    deal_id: int,
    stage_name: str,
    *,
    lost_reason: str | None = None,
    expected_version: int | None = None,
) -> DealMoved:
    """Move a deal to another stage; Won/Lost close it: what
    `services/deals.move_deal` writes, on one Core connection."""
    with core_unit_of_work(store, login) as uow:
        conn, team_id, me = uow.conn, uow.actor.team_id, uow.actor.member_id
        found = conn.execute(_DEAL, {"deal_id": deal_id, "team_id": team_id}).first()
        if found is None:
            raise NotFound(NO_DEAL.format(id=deal_id))
        deal = dict(found._mapping)
        owns = deal["owner_id"] == me or (
            conn.execute(_COLLABORATES, {"deal_id": deal_id, "member_id": me}).first() is not None
        )
        uow.require(Action.EDIT_DEAL, owns=owns)
        deal = uow.check_version(deals, deal, expected_version, "deal")
        team_stages = conn.execute(_STAGES, {"team_id": team_id}).all()
        stage = stage_named(team_stages, stage_name)
        if stage.id == deal["stage_id"]:
            return DealMoved(deal["id"], stage.name, [], deal["version"])
        old_stage = next(s.name for s in team_stages if s.id == deal["stage_id"])
        today = clock.team_today(uow.timezone)
        before = row_json(deals, deal)
        values = stage_move_values(stage, lost_reason, today)
        conn.execute(insert(deal_events), stage_event_values(deal["id"], me, old_stage, stage.name))
        deal = uow.update(deals, deal, values, "deal")
        cause = uow.record("deal", deal["id"], "update", before, row_json(deals, deal))
        also = []
        if stage.kind == StageKind.WON:
            for card in conn.execute(_OPEN_CARDS, {"deal_id": deal["id"]}).all():
                row = {k: v for k, v in card._mapping.items() if k != "sprint_number"}
                after = uow.update(sprint_items, row, won_card_values(today), "sprint card")
                uow.record(
                    "sprint_item",
                    row["id"],
                    "update",
                    row_json(sprint_items, row),
                    row_json(sprint_items, after),
                    cause_id=cause,
                )
                also.append(WON_CARD_TOLD.format(number=card.sprint_number))
        return DealMoved(deal["id"], stage.name, also, deal["version"])
