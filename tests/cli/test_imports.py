"""`salessprint import deals` from the command line (and the round trip through
`export` and `restore`): one-line errors (plus the bad rows), exit 1, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.support import run

HEADER = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value"


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    folder = tmp_path / "crm"
    folder.mkdir()
    path = folder / "sales_pipeline.csv"
    path.write_text(
        f"{HEADER}\nA1,Rita Rep,GTX Basic,Acme,Won,2017-01-02,2017-02-03,550\n"
        "A2,Rob Rep,MG Special,,Engaging,2017-03-01,,\n",
        encoding="utf-8",
    )
    return path


def test_import_into_an_empty_store_then_export_and_restore(tmp_path: Path, pipeline: Path, frozen) -> None:
    db = str(tmp_path / "a.db")
    code, out, err = run(
        "--db",
        db,
        "--as",
        "boss",
        "import",
        "deals",
        str(pipeline),
        "--format",
        "maven",
        "--team",
        "Hardware",
        "--dry-run",
    )
    assert code == 0, err
    assert "Would import sales_pipeline.csv into 'Hardware' (new team): 2 new deals" in out
    assert "Dry run: nothing was changed." in out
    code, out, err = run(
        "--db", db, "--as", "boss", "import", "deals", str(pipeline), "--format", "maven", "--team", "Hardware"
    )
    assert code == 0, err
    assert "Imported sales_pipeline.csv into 'Hardware' (new team): 2 new deals, 0 updated, 0 unchanged" in out
    assert "New members (logins): rita.rep, rob.rep." in out
    code, out, _ = run("--db", db, "--as", "boss", "import", "deals", str(pipeline), "--format", "maven")
    assert "0 new deals, 0 updated, 2 unchanged" in out
    backup = tmp_path / "team.json"
    code, out, err = run("--db", db, "--as", "boss", "export", str(backup))
    assert code == 0, err and "Exported 'Hardware'" in out
    code, out, err = run("--db", str(tmp_path / "b.db"), "restore", str(backup))
    assert code == 0, err
    assert "Restored 'Hardware'" in out and "2 deals" in out
    code, _, err = run("--db", str(tmp_path / "b.db"), "restore", str(backup))
    assert code == 1 and "already holds the team 'Hardware'" in err
    code, out, err = run("--db", str(tmp_path / "b.db"), "--as", "boss", "export", "--csv", str(tmp_path / "sheets"))
    assert code == 0, err and (tmp_path / "sheets" / "deals.csv").exists()
    code, _, err = run("--db", db, "--as", "boss", "export")
    assert code == 2 and "Give either FILE.json or --csv DIR" in err


def test_bad_rows_are_listed_with_file_and_line(tmp_path: Path, pipeline: Path, frozen) -> None:
    db = str(tmp_path / "a.db")
    run("--db", db, "--as", "boss", "import", "deals", str(pipeline), "--format", "maven", "--team", "Hardware")
    pipeline.write_text(
        f"{HEADER}\nA1,Rita Rep,GTX,Acme,Won,2017-13-45,2017-02-03,550\n"
        "A3,Rita Rep,GTX,Acme,Won,2017-01-01,2017-02-03,lots\n",
        encoding="utf-8",
    )
    code, out, err = run("--db", db, "--as", "boss", "import", "deals", str(pipeline), "--format", "maven")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        "Error: Nothing was imported: 2 bad rows. Fix them and run the import again:",
        "sales_pipeline.csv:2: engage_date: '2017-13-45' is not a real date (YYYY-MM-DD)",
        "sales_pipeline.csv:3: close_value: 'lots' is not an amount of money",
    ]
    code, _, err = run("--db", db, "--as", "rita.rep", "import", "deals", str(pipeline), "--format", "maven")
    assert code == 1 and err.startswith("Error: Only an admin or above may import data")


def test_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "sales_pipeline.csv"
    bad.write_bytes(b"\xff\xfe garbage")
    env = {**os.environ, "SALESSPRINT_CONFIG": str(tmp_path / "cfg.toml"), "SALESSPRINT_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "salessprint",
            "--db",
            str(tmp_path / "x.db"),
            "--as",
            "me",
            "import",
            "deals",
            str(bad),
            "--format",
            "maven",
            "--team",
            "T",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "UTF-16" in proc.stderr
