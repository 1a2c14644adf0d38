"""The backlog read model and its re-ranking, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from salessprint.domain.errors import PermissionDenied, StaleWrite
from salessprint.services.backlog import backlog_page, move_in_backlog
from salessprint.services.deals import add_deal, move_deal
from salessprint.services.sprints import add_item, plan_sprint
from salessprint.services.tasks import add_task, move_task


@pytest.fixture
def backlog_store(team_store: Any) -> Any:
    """rita: three deals and two tasks; rob: one deal; one of rita's deals won, one task done."""
    s = team_store
    for title in ("Alpha", "Bravo", "Charlie"):
        add_deal(s, "rita", title=title, account="Acme 50%_off", value="1000", points=2)
    add_deal(s, "rob", title="Delta", account="Globex", value="500")
    add_task(s, "rita", title="Call Acme", kind="call", points=1)
    done = add_task(s, "rita", title="Old email", kind="email")
    move_task(s, "rita", done.id, "done")
    won = add_deal(s, "rita", title="Won one", account="Acme 50%_off", value="9")
    move_deal(s, "rita", won.id, "Won")
    return s


def titles(page: Any) -> list[str]:
    return [r.title for r in page.rows]


def test_mine_and_team_open_items_in_rank_order(backlog_store: Any) -> None:
    mine = backlog_page(backlog_store, "rita", mine=True)
    assert titles(mine) == ["Alpha", "Call Acme", "Bravo", "Charlie"]
    assert mine.total == 4
    team = backlog_page(backlog_store, "rita", mine=False)
    assert team.total == 5 and "Delta" in titles(team)
    assert "Won one" not in titles(team) and "Old email" not in titles(team)


def test_filter_matches_title_account_owner_stage_kind_literally(backlog_store: Any) -> None:
    s = backlog_store
    assert titles(backlog_page(s, "rita", mine=False, text="brav")) == ["Bravo"]
    assert backlog_page(s, "rita", mine=False, text="globex").total == 1
    assert backlog_page(s, "rita", mine=False, text="Rob Rep").total == 1
    assert backlog_page(s, "rita", mine=False, text="lead").total == 4  # every open deal's stage
    assert titles(backlog_page(s, "rita", mine=False, text="call")) == ["Call Acme"]
    # % and _ are letters, not wildcards
    assert backlog_page(s, "rita", mine=False, text="50%_off").total == 3
    assert backlog_page(s, "rita", mine=False, text="5_%").total == 0


def test_pages_and_known_total(backlog_store: Any) -> None:
    s = backlog_store
    first = backlog_page(s, "rita", mine=False, limit=2)
    second = backlog_page(s, "rita", mine=False, limit=2, offset=2, known_total=first.total)
    third = backlog_page(s, "rita", mine=False, limit=2, offset=4)
    assert len(first.rows) == 2 and len(second.rows) == 2 and len(third.rows) == 1
    everything = titles(backlog_page(s, "rita", mine=False))
    assert titles(first) + titles(second) + titles(third) == everything


def test_sprint_marker_on_items_in_the_planned_sprint(backlog_store: Any) -> None:
    s = backlog_store
    plan_sprint(s, "max", goal="g")
    bravo = next(r for r in backlog_page(s, "rita").rows if r.title == "Bravo")
    add_item(s, "rita", "deal", bravo.id)
    page = backlog_page(s, "rita")
    assert {r.title: r.sprint_number for r in page.rows}["Bravo"] == 1
    assert {r.title: r.sprint_number for r in page.rows}["Alpha"] is None
    assert page.sprint is not None and page.sprint.state == "planned"


def test_move_in_backlog_moves_one_visible_place(backlog_store: Any) -> None:
    s = backlog_store
    rows = backlog_page(s, "rita").rows
    charlie = rows[-1]
    move_in_backlog(s, "rita", "deal", charlie.id, -1, expected_version=charlie.version)
    assert titles(backlog_page(s, "rita")) == ["Alpha", "Call Acme", "Charlie", "Bravo"]
    alpha = rows[0]
    move_in_backlog(s, "rita", "deal", alpha.id, +1)
    assert titles(backlog_page(s, "rita")) == ["Call Acme", "Alpha", "Charlie", "Bravo"]
    # the top item going up stays on top
    top = backlog_page(s, "rita").rows[0]
    move_in_backlog(s, "rita", top.item_type, top.id, -1)
    assert titles(backlog_page(s, "rita"))[0] == "Call Acme"


def test_move_in_backlog_checks_version_and_owner(backlog_store: Any) -> None:
    s = backlog_store
    alpha = backlog_page(s, "rita").rows[0]
    with pytest.raises(StaleWrite):
        move_in_backlog(s, "rita", "deal", alpha.id, 1, expected_version=alpha.version + 1)
    with pytest.raises(PermissionDenied):
        move_in_backlog(s, "rob", "deal", alpha.id, 1)
    assert titles(backlog_page(s, "rita"))[0] == "Alpha"
