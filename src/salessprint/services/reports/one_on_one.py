"""The 1:1 agenda for one rep (managers only), as plain text to paste."""

from __future__ import annotations

from sqlalchemy import select

from salessprint.domain import clock
from salessprint.domain.calendar import period_range
from salessprint.domain.coaching import AgendaFacts, flags_for, one_on_one_agenda
from salessprint.domain.enums import Period
from salessprint.domain.metrics import money
from salessprint.domain.permissions import Action
from salessprint.domain.text import money_text
from salessprint.services.reports.attainment import attainment_in
from salessprint.services.reports.coaching import coaching_figures
from salessprint.services.uow import unit_of_work
from salessprint.store import queries
from salessprint.store.db import Store
from salessprint.store.lookups import member_by_login
from salessprint.store.models import Deal, Stage


def one_on_one(store: Store, login: str, member: str) -> str:
    """A plain-text 1:1 agenda for one rep (managers only)."""
    with unit_of_work(store, login, read_only=True) as uow:
        uow.require(Action.COACHING)
        team = uow.team()
        rep = member_by_login(uow.session, team.id, member)
        read = coaching_figures(uow, [rep])
        f = read.figures[0]
        today = clock.team_today(team.timezone)
        month = period_range(Period.MONTH, today)
        wins = [
            (t, money(v))
            for t, v in uow.rows(
                select(Deal.title, Deal.value)
                .join(Stage, queries.won_stage())
                .where(
                    Deal.team_id == team.id,
                    Deal.owner_id == rep.id,
                    Deal.closed_on >= month[0],
                    Deal.closed_on <= today,
                )
                .order_by(Deal.value.desc())
                .limit(5)
            )
        ]
        month_att = attainment_in(uow, month[0], month[1], rep.login).members[0]
        att_line = ""
        if month_att.quota is not None:
            att_line = (
                f"{money_text(month_att.won_value, team.currency)} won of"
                f" {money_text(month_att.quota, team.currency)} this month ({month_att.attainment} %)."
            )
        act = read.activity[rep.login].activities
        lines = [f"{k} {v.done}/{v.target}" for k, v in act.items() if v.target]
        return one_on_one_agenda(
            AgendaFacts(
                name=rep.name,
                today=today,
                flags=flags_for(f, today, team.rotting_days),
                wins=wins,
                rotting=f.rotting,
                velocities=list(f.velocities)[-6:],
                attainment_line=att_line,
                activity_lines=lines,
                currency=team.currency,
            )
        )
