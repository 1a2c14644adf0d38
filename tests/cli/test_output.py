"""Printing results: CSV cells that would run as formulas are neutralised; user text prints verbatim."""

from __future__ import annotations

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
