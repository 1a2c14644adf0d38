"""A server lost in the middle of a use case leaves nothing half-done."""

from __future__ import annotations

import pytest

from salessprint.domain import clock
from salessprint.domain.errors import StoreUnavailable
from salessprint.services import open_store
from salessprint.services.activities import list_activities
from salessprint.services.deals import list_deals
from salessprint.services.uow import unit_of_work
from salessprint.store.models import Account, Activity, Deal
from tests.team_helpers import TcpProxy
from tests.templates import team_copy

pytestmark = pytest.mark.postgres


def test_connection_lost_before_commit_writes_nothing(pg_url: str, frozen) -> None:
    direct = team_copy(pg_url)
    proxy = TcpProxy().start()
    remote = open_store(proxy.url_for(pg_url))
    try:
        with pytest.raises(StoreUnavailable, match="Cannot reach the database") as lost:
            with unit_of_work(remote, "rita") as uow:
                account = Account(team_id=uow.actor.team_id, name="Acme")
                uow.session.add(account)
                uow.session.flush()
                stage_id = uow.team().stages[0].id
                uow.add(
                    "deal",
                    Deal(
                        team_id=uow.actor.team_id,
                        account_id=account.id,
                        title="Half",
                        value=1,
                        stage_id=stage_id,
                        owner_id=uow.actor.member_id,
                        started_on=clock.today(),
                        stage_entered_at=clock.now(),
                    ),
                )
                uow.add(
                    "activity",
                    Activity(
                        team_id=uow.actor.team_id, member_id=uow.actor.member_id, kind="call", occurred_at=clock.now()
                    ),
                )
                proxy.cut()  # the server vanishes before COMMIT
        assert "127.0.0.1" in str(lost.value)
        assert list_deals(direct, "max") == []
        assert list_activities(direct, "max") == []
        # Back again: the same store handle works without a restart.
        proxy.restore()
        assert list_deals(remote, "max") == []
    finally:
        proxy.cut()
        remote.dispose()
        direct.dispose()
