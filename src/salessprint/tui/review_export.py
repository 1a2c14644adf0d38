"""The review's slides as one file to share after the meeting
(`salessprint review --export review.html` or `.svg`).

Each slide is rendered by the review app itself, headless, at a room's size
(200x50 unless asked otherwise) and taken as an SVG screenshot (Textual's
`export_screenshot`): the file shows exactly what the room saw. An `.html`
file holds every slide's SVG inline under its title; an `.svg` file stacks
the slides top to bottom in one picture. The target is checked before any
slide is rendered, and the file is written whole or not at all.
"""

from __future__ import annotations

import html
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salessprint.domain.errors import InvalidInput, SalesSprintError

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from salessprint.store.db import Store

EXPORT_SUFFIXES = (".html", ".svg")
EXPORT_SIZE = (200, 50)
"""Columns and rows of the terminal the slides are rendered in (a projector's)."""
LOAD_TIMEOUT = 120.0
"""Seconds the review may take to load before the export gives up."""
SLIDE_GAP = 24
"""Pixels between two slides in a stacked SVG."""


@dataclass(frozen=True)
class RenderedSlide:
    """One slide as the room saw it."""

    number: int
    title: str
    """With its sprint: "Sprint 13 · Sprint report"."""
    svg: str


@dataclass(frozen=True)
class RenderedReview:
    heading: str
    """What the file is: "Weekly review · Sprint 13 · Nordwind Sales"."""
    slides: list[RenderedSlide]


def check_target(path: Path) -> None:
    """Refuse, in one line, a file the export could not write: before any work is done."""
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        raise InvalidInput(f"Cannot export the review to '{path.name}': give a file name ending in .html or .svg.")
    if path.is_dir():
        raise InvalidInput(f"'{path}' is a folder: give a file name ending in .html or .svg.")
    parent = path.parent
    if not parent.is_dir():
        raise InvalidInput(f"There is no folder '{parent}': create it first, or export somewhere else.")
    if not os.access(parent, os.W_OK):
        raise InvalidInput(f"Cannot write in the folder '{parent}': export somewhere else.")


def parse_size(text: str) -> tuple[int, int]:
    """'200x50' as (columns, rows); refused plainly if it is not a size a slide fits in."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if match is None:
        raise InvalidInput(f"The size '{text}' is not columns x rows, like 200x50.")
    columns, rows = int(match[1]), int(match[2])
    if not (60 <= columns <= 400 and 20 <= rows <= 200):
        raise InvalidInput(f"The size '{text}' is outside 60x20 to 400x200.")
    return columns, rows


def render_review(
    store: Store, login: str, theme: str = "projector", size: tuple[int, int] = EXPORT_SIZE
) -> RenderedReview:
    """Every slide of the review, rendered headless in `theme` at `size`."""
    from salessprint.tui.review_app import ReviewApp
    from salessprint.tui.screens.review import ReviewScreen

    app = ReviewApp(store, login, theme_name=theme)
    slides: list[RenderedSlide] = []
    heading: list[str] = []
    failure: list[str] = []

    async def take_slides(pilot: Pilot[Any]) -> None:
        try:
            screen = await _loaded(pilot, ReviewScreen)
            if app.theme != theme:
                names = ", ".join(sorted(n for n in app.available_themes if not n.startswith("textual-")))
                raise InvalidInput(f"There is no theme '{theme}' (themes: {names}).")
            total = len(screen.slides)
            for index in range(total):
                screen.go_to(index)
                await pilot.pause()
                await pilot.pause()
                title = screen.slide_title
                svg = app.export_screenshot(title=f"{index + 1} / {total} · {title}")
                slides.append(RenderedSlide(index + 1, title, svg))
            team = app.team.name if app.team is not None else ""
            sprint = screen.data.report.sprint if screen.data is not None else None
            parts = ["Weekly review", f"Sprint {sprint.number}" if sprint is not None else "", team]
            heading.append(" · ".join(part for part in parts if part))
        except SalesSprintError as exc:
            failure.append(exc.message)
        finally:
            app.exit()

    app.run(headless=True, size=size, auto_pilot=take_slides)
    if app.fatal_error is not None:
        raise SalesSprintError(app.fatal_error)
    if failure:
        raise SalesSprintError(failure[0])
    return RenderedReview(heading=heading[0] if heading else "Weekly review", slides=slides)


async def _loaded(pilot: Pilot[Any], screen_type: type[Any]) -> Any:
    """The review screen once its figures are in (or a plain error after `LOAD_TIMEOUT`)."""
    app = pilot.app
    deadline = time.monotonic() + LOAD_TIMEOUT
    while True:
        screen = app.screen
        if isinstance(screen, screen_type) and screen.data is not None:
            return screen
        if getattr(app, "fatal_error", None) is not None:
            raise SalesSprintError(str(getattr(app, "fatal_error", "")))
        if time.monotonic() > deadline:
            raise SalesSprintError(f"The review did not load within {LOAD_TIMEOUT:.0f} s: nothing was exported.")
        await pilot.pause(0.02)


def as_html(review: RenderedReview) -> str:
    """One page: each slide's title, then the slide (its SVG inline)."""
    heading = html.escape(review.heading)
    total = len(review.slides)
    sections = "\n".join(
        f'<section id="slide-{s.number}">\n<h2>{s.number} / {total} · {html.escape(s.title)}</h2>\n{s.svg.strip()}\n'
        "</section>"
        for s in review.slides
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
body {{ margin: 0 auto; padding: 2rem; max-width: 1600px; background: #111; color: #eee; font-family: sans-serif; }}
section {{ margin-bottom: 3rem; }}
section svg {{ display: block; width: 100%; height: auto; }}
</style>
</head>
<body>
<h1>{heading}</h1>
{sections}
</body>
</html>
"""


_SVG_OPENING = re.compile(r'^<svg (?P<attrs>[^>]*?)viewBox="0 0 (?P<w>[\d.]+) (?P<h>[\d.]+)"')


def as_svg(review: RenderedReview) -> str:
    """One picture: the slides one under another, each titled (SVG `<title>`)."""
    placed: list[str] = []
    width = 0.0
    y = 0.0
    for slide in review.slides:
        svg = slide.svg.strip()
        opening = _SVG_OPENING.match(svg)
        if opening is None:
            raise SalesSprintError("A slide's picture was not an SVG: nothing was exported.")
        w, h = float(opening["w"]), float(opening["h"])
        inner = f'<svg x="0" y="{y:g}" width="{w:g}" height="{h:g}" ' + svg[len("<svg ") :]
        placed.append(f'<g id="slide-{slide.number}">\n<title>{html.escape(slide.title)}</title>\n{inner}\n</g>')
        width = max(width, w)
        y += h + SLIDE_GAP
    height = max(0.0, y - SLIDE_GAP)
    body = "\n".join(placed)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}">\n<title>{html.escape(review.heading)}</title>\n{body}\n</svg>\n'
    )


def write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` in one step: a half-written file never takes its place."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"Could not write '{path}': {exc.strerror or exc}.") from None


def export_review(
    store: Store, login: str, path: Path, theme: str = "projector", size: tuple[int, int] = EXPORT_SIZE
) -> int:
    """Write every slide to `path` (.html or .svg); the number of slides written."""
    check_target(path)
    review = render_review(store, login, theme, size)
    write_whole(path, as_html(review) if path.suffix.lower() == ".html" else as_svg(review))
    return len(review.slides)
