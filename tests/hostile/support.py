"""Helpers shared by the import, backup and hostile-input tests."""

from __future__ import annotations

from salessprint.services import open_store
from salessprint.services.team import init_team
from salessprint.services.uow import unit_of_work
from salessprint.store.db import Store
from salessprint.store.models import Member

PEOPLE = (("max", "Max Manager", "manager", None), ("rita", "Rita Rep", "rep", "AE"), ("rob", "Rob Rep", "rep", "SDR"))


def make_team(url: str) -> Store:
    """A store holding 'Test Team': admin 'ada', manager 'max', reps 'rita' and 'rob'."""
    store = open_store(url, check_schema=False)
    init_team(store, "Test Team", "ada", "Ada Admin")
    with unit_of_work(store, "ada") as uow:
        for login, name, role, sales_role in PEOPLE:
            uow.add(
                "member", Member(team_id=uow.actor.team_id, login=login, name=name, role=role, sales_role=sales_role)
            )
    return store
