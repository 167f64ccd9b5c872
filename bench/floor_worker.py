"""The floor's worker process: `python -m bench.floor_worker ADDRESS`, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from bench.floor import FloorWorkflow
from bench.floor_parts import FLOOR_TASK_QUEUE, nothing
from orchestration.heap import settle_heap


async def main(address: str) -> None:
    client = await Client.connect(address, data_converter=pydantic_data_converter)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(
        client, task_queue=FLOOR_TASK_QUEUE, workflows=[FloorWorkflow], activities=[nothing]
    )
    # The product's worker settles its heap after start-up (orchestration/heap.py): the floor's
    # worker does the same, so that the two differ only by what their workflows do.
    settle_heap()
    async with worker:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
