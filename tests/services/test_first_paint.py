"""The services' door to the first read: importable before SQLAlchemy and pydantic,
and its values become the store's own (`AppContext`, `BoardView`); the equality
with the store's reads on both backends is in tests/store/test_first_read.py."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from salessprint.services.app_context import AppContext
from salessprint.services.board import BoardView, board
from salessprint.services.first_paint import board_of, context_of, first_read


def test_importing_it_loads_neither_sqlalchemy_nor_pydantic() -> None:
    code = (
        "import sys, salessprint.services.first_paint;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'pydantic', 'psycopg', 'textual'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"


def test_its_values_become_the_stores_values(demo_store: Any) -> None:
    url = demo_store.url.render_as_string(hide_password=False)
    read = first_read(url, "maria", board=True)
    assert read is not None and read.board is not None
    ctx = context_of(read)
    assert isinstance(ctx, AppContext) and ctx.team.stages and ctx.me.login == "maria"
    view = board_of(read.board)
    assert isinstance(view, BoardView) and view.rep is None
    assert view == board(demo_store, "maria")
