"""A server of the tests' own (the app, a webhook receiver, a company registry) on a loopback
port the system picks: accepting connections before the test goes on, stopped when it is done."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn


@asynccontextmanager
async def served(config: uvicorn.Config) -> AsyncIterator[int]:
    """Serve `config`'s app on 127.0.0.1; its port, once the server has started (a server that
    fails to start raises its error here)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        sock.close()
