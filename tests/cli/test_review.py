"""`review` (and its `--export` to .html or .svg) and `serve` on the command line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from salessprint.cli import cli


def test_review_and_serve_refuse_an_unknown_member_in_one_line(team: Any) -> None:
    for command in (("review",), ("serve", "--port", "8765")):
        result = team(*command, as_="zed")
        assert result.exit_code == 1
        assert result.output.startswith("Error: 'zed' is not a member of this team")
        assert len(result.output.strip().splitlines()) == 1


def test_serve_command_runs_this_program_on_the_same_store() -> None:
    from salessprint.cli.context import Ctx
    from salessprint.cli.review import serve_command

    ctx = Ctx(db_option="sqlite:////tmp/a b.db", as_option="maria")
    command = serve_command(ctx, whole_app=False)
    assert command.endswith("-m salessprint --db 'sqlite:////tmp/a b.db' --as maria review")
    assert not serve_command(ctx, whole_app=True).endswith("review")


# --- review --export ----------------------------------------------------------

SLIDE_TITLES = (
    "Sprint goal and outcome",
    "Sprint report",
    "Deals won and slipped",
    "Activity against goal",
    "Velocity and forecast",
    "Retrospective",
)


@pytest.fixture
def demo_cli(demo_db_path: Path, tmp_path: Path, frozen: Any) -> Any:
    """`salessprint --db <a copy of the demo store> --as maria ...`."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_db_path, db)

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--db", f"sqlite:///{db}", "--as", "maria", *args], catch_exceptions=False)

    return invoke


def test_export_html_holds_every_slide_as_an_inline_svg(demo_cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    result = demo_cli("review", "--export", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 6 slides to {target}\n"
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>Weekly review · Sprint 13 · Northwind Field Sales</title>" in page
    assert page.count("<svg ") == len(SLIDE_TITLES)
    for number, title in enumerate(SLIDE_TITLES, start=1):
        assert f'<section id="slide-{number}">\n<h2>{number} / 6 · Sprint 13 · {title}</h2>\n<svg ' in page
    assert "Clean up stale deals older than 60 days" in page.replace("&#160;", " ")  # the sprint goal, drawn
    assert not list(tmp_path.glob(".*partial"))


def test_export_svg_stacks_the_slides_in_one_picture(demo_cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "review.svg"
    result = demo_cli("review", "--export", str(target), "--theme", "salessprint-dark", "--size", "120x30")
    assert result.exit_code == 0, result.output
    root = ElementTree.parse(target).getroot()  # one well-formed SVG document
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    slides = root.findall(f"{ns}g")
    assert [g.findtext(f"{ns}title") for g in slides] == [f"Sprint 13 · {t}" for t in SLIDE_TITLES]
    tops = [float(g.find(f"{ns}svg").get("y", "")) for g in slides]  # type: ignore[union-attr]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one under another
    assert float(root.get("height", "0")) > tops[-1]
    text = target.read_text(encoding="utf-8").replace("&#160;", " ")
    assert "#e6edf3" in text.lower()  # the dark theme's text colour, not the projector's white
    assert "1 / 6 · Sprint 13 · Sprint goal and outcome" in text  # each slide's own title bar


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("review.pdf", "Error: Cannot export the review to 'review.pdf': give a file name ending in .html or .svg."),
        ("review", "Error: Cannot export the review to 'review': give a file name ending in .html or .svg."),
        (
            "missing/review.html",
            "Error: There is no folder '{tmp}/missing': create it first, or export somewhere else.",
        ),
        ("folder.svg", "Error: '{tmp}/folder.svg' is a folder: give a file name ending in .html or .svg."),
    ],
)
def test_export_to_a_bad_name_says_so_in_one_line_and_writes_nothing(
    demo_cli: Any, tmp_path: Path, name: str, message: str
) -> None:
    out = tmp_path / "out"
    (out / "folder.svg").mkdir(parents=True)
    before = sorted(out.rglob("*"))
    result = demo_cli("review", "--export", str(out / name))
    assert result.exit_code == 1
    assert result.output == message.format(tmp=out) + "\n"
    assert sorted(out.rglob("*")) == before


def test_export_with_an_unknown_theme_or_size_writes_nothing(demo_cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    result = demo_cli("review", "--export", str(target), "--theme", "no-such-theme")
    assert result.exit_code == 1
    assert result.output.startswith("Error: There is no theme 'no-such-theme' (themes: ")
    assert "projector" in result.output and len(result.output.splitlines()) == 1
    result = demo_cli("review", "--export", str(target), "--size", "wide")
    assert result.exit_code == 1
    assert result.output == "Error: The size 'wide' is not columns x rows, like 200x50.\n"
    assert not target.exists() and not list(tmp_path.glob(".*partial"))


def test_export_refuses_an_unknown_member_before_rendering(team: Any, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    result = team("review", "--export", str(target), as_="zed")
    assert result.exit_code == 1
    assert result.output.startswith("Error: 'zed' is not a member of this team")
    assert not target.exists()
