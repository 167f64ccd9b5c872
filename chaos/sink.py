"""The SMTP sink as a process of its own (so that it can be stopped and started again):
`python -m chaos.sink PORT FOLDER` keeps every message as .eml + .txt in FOLDER."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from devstack.mail_sink import MailSink


async def main(port: int, folder: Path) -> None:
    sink = MailSink(folder)
    await sink.start("127.0.0.1", port)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    await sink.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))
