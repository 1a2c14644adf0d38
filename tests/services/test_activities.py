"""Activities through the services, on both backends: logging, and counting against targets."""

from __future__ import annotations

import pytest

from salessprint.domain.errors import InvalidInput
from salessprint.services import activities, targets
from salessprint.services.reports.activity import activity


def test_activity_report_counts_against_scaled_targets(team_store) -> None:
    targets.set_target(
        team_store, "max", login="rita", metric="calls", amount="25", period="day", effective_from="2026-01-01"
    )
    targets.set_target(
        team_store, "max", login="rita", metric="meetings", amount="5", period="week", effective_from="2026-01-01"
    )
    for _ in range(3):
        activities.log_activity(team_store, "rita", kind="call")
    activities.log_activity(team_store, "rita", kind="meeting", when="2026-11-24T10:00:00+00:00")
    activities.log_activity(team_store, "rita", kind="call", when="2026-11-20T10:00:00+00:00")  # last week
    data = activity(team_store, "max", member="rita")
    rita = data.members[0]
    pick = lambda kind: rita.activities[kind].model_dump(include={"done", "target"})  # noqa: E731
    assert pick("call") == {"done": 3, "target": 125}
    assert pick("meeting") == {"done": 1, "target": 5}
    assert pick("email") == {"done": 0, "target": None}


def test_bad_activity_kind_changes_nothing(team_store) -> None:
    with pytest.raises(InvalidInput, match="kind"):
        activities.log_activity(team_store, "rita", kind="lunch")
    assert activities.list_activities(team_store, "rita") == []


def test_the_deal_picker_lists_my_open_deals_first_then_the_team_s_matched_in_sql(team_store) -> None:
    from salessprint.services.activity_view import deals_to_log_on
    from salessprint.services.deals import add_deal, move_deal

    theirs = add_deal(team_store, "rob", title="Acme data room", account="Acme", value="100")
    mine = add_deal(team_store, "rita", title="Acme rollout", account="Acme", value="100")
    other = add_deal(team_store, "rita", title="Globex 50% uplift", account="Globex", value="100")
    won = add_deal(team_store, "rita", title="Acme pilot", account="Acme", value="100")
    move_deal(team_store, "rita", won.id, "Won")

    found = deals_to_log_on(team_store, "rita", "acme")
    assert [(d.id, d.mine) for d in found] == [(mine.id, True), (theirs.id, False)]  # closed deals are not offered
    assert (found[1].owner_name, found[1].account, found[1].stage) == ("Rob Rep", "Acme", "Lead")
    assert [d.id for d in deals_to_log_on(team_store, "rita", "ROB")] == [theirs.id]  # by owner too
    assert [d.id for d in deals_to_log_on(team_store, "rita", "50%")] == [other.id]  # % is a character
    assert deals_to_log_on(team_store, "rita", "5_%") == []
    assert [d.id for d in deals_to_log_on(team_store, "rita", "")] == [mine.id, other.id, theirs.id]
    assert [d.id for d in deals_to_log_on(team_store, "rita", "", limit=2)] == [mine.id, other.id]
    assert [d.id for d in deals_to_log_on(team_store, "rob", "", limit=2)] == [theirs.id, mine.id]


def test_the_deal_picker_reads_a_bounded_window_whatever_the_store_holds(team_store) -> None:
    from sqlalchemy import event

    from salessprint.services.activity_view import deals_to_log_on
    from salessprint.services.deals import add_deal

    for n in range(5):
        add_deal(team_store, "rob", title=f"Deal {n}", account="Acme", value="100")
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "FROM deals" in statement:
            statements.append(statement)

    event.listen(team_store.engine, "before_cursor_execute", seen)
    try:
        assert len(deals_to_log_on(team_store, "rita", "deal", limit=3)) == 3
    finally:
        event.remove(team_store.engine, "before_cursor_execute", seen)
    # Each backend first asks its trigram index, once, how many match (a bounded count).
    probes = [s for s in statements if "MATCH" in s or s.startswith("SELECT (SELECT count(*)")]
    reads = [s for s in statements if s not in probes]
    assert len(probes) <= 1 and all("LIMIT" in s for s in probes)
    assert len(reads) == 2 and all("LIMIT" in s for s in reads)  # mine, then the team's: both bounded
