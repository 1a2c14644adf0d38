"""Control characters already in the store (written before input was checked)
never reach the terminal from the app: lists, cards, the header and the
history draw them as symbols (ESC as ␛)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from salessprint.services.deals import add_deal
from salessprint.services.sprints import add_item, plan_sprint, start_sprint
from salessprint.services.tasks import add_task
from tests.hostile.support import make_team
from tests.tui.harness import async_test, make_app, screen_text, settle

ATTACK = "Deal\x1b]0;pwned\x07\x1b[2J\x9b5m"
SHOWN = "Deal␛]0;pwned␇␛[2J"


@pytest.fixture
def escaped_store(tmp_path: Path, frozen: Any):
    store = make_team(f"sqlite:///{tmp_path / 'escaped.db'}")
    deal = add_deal(store, "ada", title="Plain", account="Acme", value="100", points=1)
    add_task(store, "ada", title="Plain task", kind="call", points=1)
    plan_sprint(store, "ada", goal="Goal")
    add_item(store, "ada", "deal", deal.id)
    start_sprint(store, "ada")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE deals SET title = :t"), {"t": ATTACK})
        conn.execute(text("UPDATE tasks SET title = :t"), {"t": ATTACK + " task"})
        conn.execute(text("UPDATE teams SET name = :t"), {"t": "Team\x1b[2J"})
    yield store
    store.dispose()


@async_test
async def test_stored_escapes_are_drawn_as_symbols_on_every_screen(escaped_store: Any) -> None:
    app = make_app(escaped_store, "ada")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for key in ("3", "1", "4"):  # board cards, the backlog's rows, the pipeline
            await pilot.press(key)
            await settle(pilot)
            shown = screen_text(app)
            assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown, key
        await pilot.press("1")
        await settle(pilot)
        shown = screen_text(app)
        assert SHOWN in shown and f"{SHOWN}" in shown
        assert "Team␛[2J" in shown.splitlines()[0]
