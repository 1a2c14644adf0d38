"""The header: the store it is on (never its password), and a long goal cut with an ellipsis."""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import make_url
from textual.app import App, ComposeResult

from salessprint.domain.values import MemberView, SprintView, TeamView
from salessprint.tui.widgets.status_header import StatusHeader, store_label


def test_store_label_names_the_file_or_the_server_never_the_password() -> None:
    def label(url: str) -> str:
        return store_label(SimpleNamespace(url=make_url(url)))

    assert label("sqlite:////home/ada/.local/share/salessprint/team.db") == "team.db"
    assert label("postgresql+psycopg://ada:s3cret@db.acme.test:5433/sales") == "ada@db.acme.test:5433/sales"
    assert "s3cret" not in label("postgresql+psycopg://ada:s3cret@db.acme.test/sales")
    assert store_label(None) == ""


class HeaderApp(App[None]):
    def __init__(self, store: Any) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield StatusHeader()


def test_header_shows_the_store_and_cuts_a_long_goal_with_an_ellipsis() -> None:
    app = HeaderApp(SimpleNamespace(url=make_url("sqlite:////tmp/x/demo.db")))
    goal = "Close every commit deal and book ten demos with the new enterprise accounts in the north"

    async def run() -> str:
        async with app.run_test(size=(120, 3)) as pilot:
            header = app.query_one(StatusHeader)
            header.team = TeamView(
                id=1,
                name="Acme",
                currency="EUR",
                timezone="UTC",
                week_start=0,
                sprint_weeks=1,
                rotting_days=14,
                wip_todo=None,
                wip_doing=None,
                stages=[],
            )
            header.me = MemberView(
                id=1,
                login="ada",
                name="Ada Lopez",
                role="rep",
                sales_role=None,
                territory=None,
                started_on=None,
                active=True,
            )
            header.sprint = SprintView(
                id=1,
                number=3,
                goal=goal,
                starts_on=date(2026, 12, 1),
                ends_on=date(2026, 12, 7),
                state="active",
                version=1,
            )
            await pilot.pause()
            return header.render_line(0).text

    line = asyncio.run(run())
    assert "Ada Lopez (rep) · demo.db" in line
    assert line.rstrip().endswith("…") and goal not in line
