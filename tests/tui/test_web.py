"""The browser view's guard: every route but the static files needs the token."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from salessprint.tui.web import COOKIE, new_token, token_guard


async def _page(_request: web.Request) -> web.Response:
    return web.Response(text="the review")


def _app(token: str) -> web.Application:
    app = web.Application(middlewares=[token_guard(token)])
    app.router.add_get("/", _page)
    app.router.add_get("/ws", _page)
    app.router.add_get("/static/js/textual.js", _page)
    return app


def test_without_the_token_every_page_is_403_and_static_files_are_public() -> None:
    async def run() -> None:
        token = new_token()
        async with TestClient(TestServer(_app(token))) as client:
            for path in ("/", "/ws", "/?token=", f"/?token={token[:-1]}", f"/?token={token}x"):
                assert (await client.get(path)).status == 403, path
            assert (await client.get("/static/js/textual.js")).status == 200

    asyncio.run(run())


def test_the_token_opens_the_page_and_a_cookie_carries_it_to_the_websocket() -> None:
    async def run() -> None:
        token = new_token()
        async with TestClient(TestServer(_app(token))) as client:
            first = await client.get(f"/?token={token}")
            assert first.status == 200 and await first.text() == "the review"
            cookie = first.cookies[COOKIE]
            assert cookie.value == token and cookie["httponly"] and cookie["samesite"] == "Strict"
            assert (await client.get("/ws")).status == 200  # the session's cookie

    asyncio.run(run())


def test_tokens_are_long_and_fresh() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and min(len(t) for t in tokens) >= 32
