"""`export` and `restore` from the command line: one-line errors, exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.cli.support import run


def test_restore_of_a_truncated_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('{"format": "salessprint-backup", "version": 1, "tables": {', encoding="utf-8")
    code, _, err = run("--db", str(tmp_path / "x.db"), "restore", str(path))
    assert code == 1
    assert err.strip() == "Error: cut.json: is cut off (incomplete JSON) at line 1, column 59; use a complete backup."
