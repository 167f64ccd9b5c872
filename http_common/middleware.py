"""ASGI middleware: body size limit, request IDs, metrics and access logs."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.problems import ProblemCode
from http_common.problem_json import problem
from observability.logs import request_id
from observability.metrics import HTTP_LATENCY, HTTP_REQUESTS

MAX_BODY_BYTES = 64 * 1024
log = logging.getLogger("api.access")


class _TooLarge(HTTPException):
    """Raised while a streamed body is read. An HTTPException, so that FastAPI's body parsing
    lets it through (any other error there becomes a 400) and the app answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_detail(limit))


def _too_large_detail(limit: int) -> str:
    return f"Le corps de la requête ne doit pas dépasser {limit // 1024} Kio."


class BodySizeLimit:
    """Refuse bodies over the limit with 413, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not response_started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            ProblemCode.PAYLOAD_TOO_LARGE,
            "Requête trop volumineuse",
            _too_large_detail(self.limit),
        )
        await response(scope, receive, send)


class RequestContext:
    """Give every request an ID, count it by route template and log it without personal data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if 0 < len(incoming) <= 64 else uuid.uuid4().hex
        token = request_id.set(rid)
        status_code = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            HTTP_REQUESTS.labels(scope["method"], route, str(status_code)).inc()
            HTTP_LATENCY.labels(scope["method"], route).observe(elapsed)
            log.info(
                "%s %s %d",
                scope["method"],
                route,
                status_code,
                extra={
                    "route": route,
                    "status": status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            request_id.reset(token)


def _route_template(scope: Scope) -> str:
    """The matched route's path template, never the concrete path (it may hold an enrollment
    ID). Routing records the route in the shared scope, so this reads it after the call."""
    route: Any = scope.get("route")
    return str(getattr(route, "path", None) or "unmatched")
