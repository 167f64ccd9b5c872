"""Heartbeats while an activity waits on the outside world.

With a short heartbeat timeout, Temporal notices within seconds that the worker running an
attempt died and retries it on another worker, instead of waiting for the start-to-close timeout.
That timeout runs from the attempt's start, so the first beat can wait a period: an attempt that
ends sooner (most do, in milliseconds) sends none, and costs the server no heartbeat call.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

from temporalio import activity

HEARTBEAT_EVERY = timedelta(seconds=1)


@contextlib.asynccontextmanager
async def heartbeating(every: timedelta = HEARTBEAT_EVERY) -> AsyncIterator[None]:
    """Heartbeat every `every`, the first one `every` after the block begins, until it ends
    (nothing outside an activity, e.g. when a test calls the activity's method directly)."""
    if not activity.in_activity():
        yield
        return

    async def beat() -> None:
        while True:
            await asyncio.sleep(every.total_seconds())
            activity.heartbeat()

    task = asyncio.create_task(beat())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
