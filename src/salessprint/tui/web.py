"""The browser view (`salessprint serve`): textual-serve behind a secret token.

Every page and the terminal's websocket need the token printed at start:
in the URL (`/?token=…`) the first time, then in a cookie that the page's
own websocket sends back (HttpOnly, SameSite=Strict). The token is compared
in constant time; anything else gets 403. Static files (the page's script
and fonts) are public: they hold no data.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from textual_serve.server import Server

COOKIE = "salessprint_token"
PUBLIC_PREFIX = "/static/"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_guard(token: str) -> Any:
    """An aiohttp middleware: 403 unless the request carries the token."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(PUBLIC_PREFIX):
            return await handler(request)
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return web.Response(status=403, text="403: this salessprint page needs the link printed by 'serve'.\n")
        response = await handler(request)
        if "token" in request.query and not response.prepared:
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response

    return guard


class TokenServer(Server):
    """textual-serve's server, every route but the static files behind the token."""

    def __init__(self, command: str, *, token: str, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title)
        self.token = token

    async def _make_app(self) -> web.Application:
        app: web.Application = await super()._make_app()
        app.middlewares.append(token_guard(self.token))
        return app
