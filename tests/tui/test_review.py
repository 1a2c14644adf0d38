"""The weekly review: slides in the projector theme, keys, the F5 mode, and
`salessprint serve` answering over HTTP (and rendering in headless chromium)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Label, Static

from salessprint.services.reports.review import review
from salessprint.tui.app import SalesSprintApp
from salessprint.tui.review_app import ReviewApp
from salessprint.tui.screens.review import SLIDES, ReviewScreen
from salessprint.tui.widgets.slide import SlideFigure
from tests.tui.harness import settle, until

SIZE = (200, 50)


def title(app: Any) -> str:
    """The slide's title as words, with its sprint ("Sprint 13 · Sprint report")."""
    return str(app.screen.slide_title)


def body(app: Any) -> str:
    """The slide body as plain text (rich tables and groups rendered)."""
    from rich.console import Console

    content = app.screen.query_one("#slide-body", Static).content
    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(content)
    return console.export_text()


def figures(app: Any) -> dict[str, str]:
    """The headline figures shown in large digits: caption -> value."""
    return {f.caption: f.value for f in app.screen.query(SlideFigure) if f.display}


def test_slides_move_with_the_keys_and_show_the_store(demo_store: Any) -> None:
    expected = review(demo_store, "maria")
    report = expected.report

    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert app.theme == "projector"
            assert title(app) == "Sprint 13 · Sprint goal and outcome"
            assert report.sprint is not None and report.sprint.goal is not None
            assert report.completed is not None and report.committed is not None and report.slipped is not None
            assert report.sprint.goal in body(app)
            shown = figures(app)
            assert shown["points done"] == str(report.completed.points)
            assert shown["points committed"] == str(report.committed.points)
            await pilot.press("right")
            assert title(app).endswith("Sprint report")
            assert "Committed at start" in body(app) and "Untouched" in body(app)
            assert figures(app) == {}
            await pilot.press("space")
            assert title(app).endswith("Deals won and slipped")
            assert figures(app)["deals slipped"] == str(report.slipped.count)
            for deal in report.slipped.deals[:8]:
                assert deal.title in body(app)
            await pilot.press("pagedown")
            assert title(app).endswith("Activity against goal")
            assert "Chris Okafor" in body(app) and "behind" in body(app)
            await pilot.press("right")
            assert title(app).endswith("Velocity and forecast")
            assert figures(app)["points forecast"] == str(expected.velocity.forecast)
            assert app.screen.query_one("#slide-chart").display
            await pilot.press("right")
            assert title(app).endswith("Retrospective")
            assert not app.screen.query_one("#slide-chart").display
            for entries in expected.retro.values():
                for entry in entries:
                    assert entry.text in body(app)
            await pilot.press("right")  # the last slide stays
            assert title(app).endswith("Retrospective")
            assert str(app.screen.query_one("#slide-number", Label).render()) == f"{len(SLIDES)} / {len(SLIDES)}"
            await pilot.press("left")
            assert title(app).endswith("Velocity and forecast")
            await pilot.press("home")
            assert title(app).endswith("Sprint goal and outcome")
            await pilot.press("escape")
            await pilot.pause()
        assert app.return_code == 0

    asyncio.run(run())


def test_the_deals_slide_names_deals_pushed_three_times(demo_store: Any) -> None:
    from salessprint.services.deals import list_deals, update_deal

    deal = next(d for d in list_deals(demo_store, "alex", mine=True, open_only=True) if d.expected_close)
    first = deal.expected_close
    assert first is not None
    for days in (7, 14, 21):
        update_deal(demo_store, "alex", deal.id, expected_close=(first + timedelta(days=days)).isoformat())

    async def run() -> None:
        app = ReviewApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "pushed 3 times" not in body(app)
            await pilot.press("right", "right")
            assert title(app).endswith("Deals won and slipped")
            assert "Expected close pushed 3 times or more: 1 open deal" in body(app)
            row = next(line for line in body(app).splitlines() if deal.title in line and "times" in line)
            assert row.split() == [str(deal.id), *deal.title.split(), "alex", "3", "times"]

    asyncio.run(run())


def test_f5_opens_the_review_from_the_app(demo_store: Any) -> None:
    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert title(app).startswith("Sprint 13")
            assert app.theme == "projector"
            await pilot.press("escape")
            await settle(pilot)
            assert app.current_mode == "board"  # where F5 was pressed
            # The user's theme is back and the projector was never saved as their choice.
            assert app.theme == "salessprint-dark"
        config = Path(os.environ["SALESSPRINT_CONFIG"])
        assert not config.exists() or "projector" not in config.read_text()

    asyncio.run(run())


def test_review_of_an_empty_team_says_so(empty_team: Any) -> None:
    async def run() -> None:
        app = ReviewApp(empty_team, "ada")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert "No sprint yet" in body(app)
            assert str(app.screen.query_one("#slide-number", Label).render()) == "1 / 1"
            await pilot.press("right")
            assert "No sprint yet" in body(app)

    asyncio.run(run())


# --- serve ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(demo_db_path: Path, tmp_path: Path) -> Any:
    """`salessprint serve` on a free port, on a copy of the demo store."""
    db = tmp_path / "served.db"
    shutil.copy(demo_db_path, db)
    port = _free_port()
    env = {**os.environ, "SALESSPRINT_NOW": "2026-11-26T10:30:00+00:00"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "salessprint", "--db", f"sqlite:///{db}", "--as", "maria", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().decode()
    assert first.startswith(f"Serving the review (read-only) on http://127.0.0.1:{port}/?token="), first
    url = first.split(" on ", 1)[1].strip()
    deadline = time.monotonic() + 30
    html = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                html = response.read().decode()
                break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    try:
        yield url, html, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_serve_answers_on_127_0_0_1_with_the_token_only(served: Any) -> None:
    url, html, proc = served
    assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
    assert "js/textual.js" in html
    base = url.split("?", 1)[0]
    port = base.rstrip("/").rsplit(":", 1)[1]
    assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in html
    for wrong in (base, base + "?token=guess", base + "ws", base + "ws?token="):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(wrong, timeout=5)
        assert refused.value.code == 403, wrong


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_headless_chromium_renders_the_first_slide(served: Any, tmp_path: Path) -> None:
    url, _html, proc = served
    assert proc.poll() is None
    text = _terminal_text_in_chromium(url, tmp_path)
    # The title is drawn in big letters: the slide's caption and number are plain text.
    assert "points committed" in text and "1 / 6" in text
    # xterm.js drew the terminal into the page (canvas layers or DOM rows).
    assert "[rows:0]" not in text


# Collects what the served app sends to the browser's terminal, as text.
CAPTURE_WEBSOCKET = """
(() => {
  window.__ssText = "";
  const Orig = window.WebSocket;
  const dec = new TextDecoder("utf-8");
  function Wrapped(url, protocols) {
    const ws = protocols === undefined ? new Orig(url) : new Orig(url, protocols);
    ws.addEventListener("message", async (ev) => {
      const d = ev.data;
      if (typeof d === "string") { window.__ssText += d; }
      else if (d instanceof Blob) { window.__ssText += dec.decode(await d.arrayBuffer()); }
      else { window.__ssText += dec.decode(d); }
    });
    return ws;
  }
  Wrapped.prototype = Orig.prototype;
  Object.assign(Wrapped, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Wrapped;
})();
"""


def _terminal_text_in_chromium(url: str, profile: Path) -> str:
    """Open the page in headless chromium through the DevTools protocol and
    return what the app sent to the page's terminal, once the first slide is
    there (or after 40 s), plus whether xterm drew rows into the page."""
    import http.client

    port = _free_port()
    browser = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile / 'chromium'}",
            "--window-size=1600,1000",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        ws_url = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not ws_url:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/json")
                pages = [p for p in json.loads(conn.getresponse().read()) if p.get("type") == "page"]
                ws_url = pages[0]["webSocketDebuggerUrl"] if pages else ""
            except (OSError, ValueError, IndexError):
                time.sleep(0.3)
        assert ws_url, "chromium's DevTools endpoint did not answer"
        return asyncio.run(_drive(ws_url, url))
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()


async def _drive(ws_url: str, url: str) -> str:
    import aiohttp

    counter = 0

    async def call(ws: Any, method: str, **params: Any) -> dict[str, Any]:
        nonlocal counter
        counter += 1
        await ws.send_json({"id": counter, "method": method, "params": params})
        async for msg in ws:
            data = json.loads(msg.data)
            if data.get("id") == counter:
                return dict(data.get("result", {}))
        return {}

    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url, max_msg_size=0) as ws:
        await call(ws, "Page.enable")
        await call(ws, "Page.addScriptToEvaluateOnNewDocument", source=CAPTURE_WEBSOCKET)
        await call(ws, "Page.navigate", url=url)
        text = ""
        for _ in range(80):
            await asyncio.sleep(0.5)
            result = await call(
                ws,
                "Runtime.evaluate",
                returnByValue=True,
                expression="(window.__ssText || '') + '\\n[rows:' + "
                "document.querySelectorAll('.xterm-screen canvas, .xterm-rows').length + ']'",
            )
            text = str(result.get("result", {}).get("value", ""))
            if "points committed" in text:
                break
        return text


def test_opening_the_review_loads_it_once(demo_store: Any, monkeypatch: Any) -> None:
    """Mount and resume both used to load: the review ran twice per opening."""
    from salessprint.tui.screens import review as review_module

    calls: list[int] = []

    def counted(store: Any, login: str) -> Any:
        calls.append(1)
        return review(store, login)

    monkeypatch.setattr(review_module, "review", counted)

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert calls == [1]
            assert title(app) == "Sprint 13 · Sprint goal and outcome"

    asyncio.run(run())


def test_escape_goes_back_to_the_screen_the_review_was_opened_from(demo_store: Any) -> None:
    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key, mode in (("2", "planning"), ("6", "retro"), ("7", "dashboard")):
                await pilot.press(key)
                await settle(pilot)
                await pilot.press("f5")
                await settle(pilot)
                assert isinstance(app.screen, ReviewScreen)
                await pilot.press("escape")
                await settle(pilot)
                assert app.current_mode == mode
                assert app.theme == "salessprint-dark"

    asyncio.run(run())


def test_f5_styles_the_review_once_in_the_rooms_theme(demo_store: Any, monkeypatch: Any) -> None:
    """A first open is resumed twice (Textual's mode start, then the switch) and
    each resume restyled the whole screen, the first in the user's theme just
    before the switch to the projector's restyled it again: now the screen's
    nodes are styled at mount and by the theme's change, each open."""
    from textual.css.stylesheet import Stylesheet

    styled: list[str] = []
    apply = Stylesheet.apply

    def counted(self: Stylesheet, node: Any, *args: Any, **kwargs: Any) -> None:
        if getattr(node, "id", None) == "slide-body":
            styled.append(node.app.theme)
        apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counted)

    async def run() -> None:
        app = SalesSprintApp(demo_store, "maria")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await until(pilot, lambda: app.css_preloaded)  # its install restyles what is mounted
            await settle(pilot)
            for _open in range(2):
                styled.clear()
                await pilot.press("f5")
                await settle(pilot)
                assert isinstance(app.screen, ReviewScreen)
                assert title(app) == "Sprint 13 · Sprint goal and outcome"
                # Once by the projector theme's change; before it, once in the
                # user's theme (at mount; on a return, Textual's catch-up with
                # the theme put back when the review was left). Before: 5 and 3.
                assert styled.count("projector") == 1, styled
                assert len(styled) == 2, styled
                background = app.theme_variables["background"]
                assert app.screen.styles.background.hex.lower() == background.lower()
                await pilot.press("escape")
                await settle(pilot)
                assert app.theme == "salessprint-dark"

    asyncio.run(run())
