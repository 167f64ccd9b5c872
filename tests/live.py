"""Run the real API (uvicorn, HTTP on loopback) and a real worker inside a test."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import uvicorn
from sqlalchemy import Engine
from temporalio.client import Client

from api.main import Overrides, create_app
from settings import Settings
from storage.subscribers import SubscriberRepository
from worker import build_worker


@dataclass
class LiveApp:
    base_url: str
    http: httpx.AsyncClient


@asynccontextmanager
async def live_app(client: Client, settings: Settings, engine: Engine) -> AsyncIterator[LiveApp]:
    app = create_app(settings, Overrides(client=client, engine=engine))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    worker = build_worker(client, settings, repository=SubscriberRepository(engine))
    async with worker:
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.01)
        base_url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
                yield LiveApp(base_url, http)
        finally:
            server.should_exit = True
            await serving
            sock.close()
