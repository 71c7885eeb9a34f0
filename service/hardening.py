"""What keeps one bad request from hurting anyone else: validation errors that can always be
rendered, bugs answered as a JSON 500 on a connection that stays usable (and logged without the
question), HEAD on every GET route, and security headers on every response."""
from __future__ import annotations

import logging
import math

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("unqa.service")

# The page loads only its own script and stylesheet. /docs and /redoc load Swagger UI and ReDoc
# from the package (never a CDN); their pages start them with an inline script, and ReDoc runs a
# web worker from a blob.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer")]


def renderable(value):
    """A value JSON can always carry: lone surrogates replaced, NaN/Infinity as strings."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [renderable(v) for v in value]
    return value


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 shape, without echoing the input (it may not be renderable, and it may be private)."""
    detail = [{"loc": renderable(list(e.get("loc", ()))), "msg": renderable(str(e.get("msg", ""))),
               "type": str(e.get("type", ""))} for e in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": detail})


class Hardening:
    """Outermost of our middlewares: HEAD served as GET without a body, security headers added,
    and an exception in a handler answered as a JSON 500 (the connection stays open)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        path = scope.get("path", "")
        csp = DOCS_CSP if path in ("/docs", "/redoc") else PAGE_CSP
        started = False

        async def guarded_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in
                           {b"x-content-type-options", b"x-frame-options", b"referrer-policy", b"content-security-policy"}]
                message = {**message, "headers": headers + SECURITY_HEADERS + [(b"content-security-policy", csp.encode())]}
            elif message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, guarded_send)
        except Exception as exc:  # a bug: say so, keep the connection, never log the question
            log.error("internal error on %s %s: %s", scope["method"], path, type(exc).__name__)
            if not started:
                response = JSONResponse(status_code=500, content={"detail": "internal error"})
                await response(scope, receive, guarded_send)
