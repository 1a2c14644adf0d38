"""`demo` on the command line: builds the demo team and remembers its manager."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_demo_without_the_app_builds_the_team_and_remembers_the_manager(run: Any, isolated_env: Path) -> None:
    out = run("demo", "--no-tui").output
    assert out.startswith("Demo team 'Northwind Field Sales' ready in ") and "You are 'maria' (the manager)." in out
    assert 'user = "maria"' in (isolated_env / "config" / "config.toml").read_text()
