"""`deal` commands on the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def test_show_collaborate_and_timeline(team: Any) -> None:
    deal_id = team("deal", "add", "Acme", "--account", "Acme", "--value", "100", as_="rita").output.strip()
    assert team("deal", "collaborate", deal_id, "mo", as_="rita").output == f"Deal #{deal_id} collaborators: mo.\n"
    shown = team("deal", "show", deal_id, as_="rita").output
    assert shown.startswith("FIELD") and "Acme" in shown
    timeline = json.loads(team("deal", "timeline", deal_id, "--format", "json", as_="rita").output)["timeline"]
    assert len(timeline) == 2


def test_deal_timeline_in_a_fresh_process(tmp_path: Path) -> None:
    """`deal timeline` lives with the other `deal` commands, so a new process finds it."""
    env = {**os.environ, "SALESSPRINT_CONFIG": str(tmp_path / "c.toml"), "SALESSPRINT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "salessprint", "deal", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert "timeline" in done.stdout
