"""Printing results: CSV cells that would run as formulas are neutralised; user text prints verbatim, control characters as symbols."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from salessprint.cli import cli


def test_csv_output_neutralises_formulas(team) -> None:
    team("deal", "add", "=cmd|' /C calc'!A0", "--account", "@evil", "--value", "1", as_="rita")
    out = team("deal", "list", "--format", "csv", as_="rita").output.splitlines()
    assert out[0].startswith("id,title,account")
    assert "'=cmd" in out[1] and "'@evil" in out[1]


def test_hostile_titles_print_verbatim(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    runner.invoke(cli, ["--db", db, "init", "--team", "[bold]Team[/]", "--admin", "a"], catch_exceptions=False)
    for title in ("[bold]x[/bold]", "[/]", "[link=x]y"):
        assert (
            runner.invoke(cli, ["--db", db, "deal", "add", title, "--account", "[red]A", "--value", "1"]).exit_code == 0
        )
    out = runner.invoke(cli, ["--db", db, "deal", "list"]).output
    for title in ("[bold]x[/bold]", "[/]", "[link=x]y", "[red]A"):
        assert title in out


ATTACK = "Big\x1b]0;pwned\x07\x1b[2J\x9b"


def _store_raw_title(db_url: str, deal_id: str) -> None:
    """A title with escapes, as a store written before input was checked may hold."""
    import sqlite3

    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE deals SET title = ?, next_step = ? WHERE id = ?", (ATTACK, ATTACK, int(deal_id)))
        conn.execute("UPDATE accounts SET name = ?", ("=HYPERLINK(\x1b[2J)",))


def test_stored_control_characters_never_reach_the_terminal(team) -> None:
    deal_id = team("deal", "add", "Plain", "--account", "Acme", "--value", "1", as_="rita").output.strip()
    assert team("note", "add", "a note", "--deal", deal_id, as_="rita").exit_code == 0
    _store_raw_title(team.db, deal_id)
    for args in (
        ("deal", "list"),
        ("deal", "list", "--format", "csv"),
        ("deal", "list", "--format", "json"),
        ("deal", "show", deal_id),
        ("deal", "show", deal_id, "--format", "json"),
        ("deal", "timeline", deal_id),
        ("deal", "timeline", deal_id, "--format", "csv"),
        ("history",),
        ("history", "--format", "csv"),
        ("note", "list", "--deal", deal_id),
    ):
        out = team(*args, as_="rita").output
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, (args, out)
    table = team("deal", "list", as_="rita").output
    assert "Big␛]0;pwned␇␛[2J" in table
    csv_out = team("deal", "list", "--format", "csv", as_="rita").output
    assert "'=HYPERLINK(␛[2J)" in csv_out
    data = json.loads(team("deal", "list", "--format", "json", as_="rita").output)
    assert data["deals"][0]["title"] == ATTACK  # JSON keeps the data exact, escaped


def test_csv_neutralises_every_formula_prefix(team) -> None:
    for title in ("|pipe", "+1+1", "@SUM(A1)"):
        team("deal", "add", title, "--account", "Acme", "--value", "1", as_="rita")
    out = team("deal", "list", "--format", "csv", as_="rita").output
    for title in ("|pipe", "+1+1", "@SUM(A1)"):
        assert f"'{title}" in out
