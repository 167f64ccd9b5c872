"""A real webhook receiver on loopback (uvicorn): it records every request it gets, with the
Temporal server's time when it came, and answers as the test scripts it."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: datetime  # the Temporal server's clock (skipped time included)


# How the receiver answers the n-th request (from 1): a status code.
Script = Callable[["Receiver", Received], Awaitable[int]]


async def always_204(_: Receiver, __: Received) -> int:
    return 204


@dataclass
class Receiver:
    clock: Callable[[], Awaitable[datetime]]
    script: Script = always_204
    received: list[Received] = field(default_factory=list)
    url: str = ""
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def hook(self, request: Request) -> Response:
        got = Received(dict(request.headers), await request.body(), await self.clock())
        self.received.append(got)
        self.arrived.set()
        return Response(status_code=await self.script(self, got))

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.received]


@asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[Receiver]:
    app = Starlette(routes=[Route("/hook", receiver.hook, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    receiver.url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
        sock.close()


def unused_url() -> str:
    """A loopback URL where nothing listens: every attempt is refused (a receiver that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"
