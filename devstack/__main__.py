"""`make dev`: run the whole product on one machine, stop it with Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from devstack.stack import Stack
from observability.logs import configure_logging
from settings import Environment, get_settings


async def main() -> None:
    configure_logging()
    settings = get_settings()
    stack = Stack(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stack.start()
        _banner(stack)
        stopper = asyncio.create_task(stop.wait())
        exited = asyncio.create_task(stack.wait_for_exit())
        done, _ = await asyncio.wait({stopper, exited}, return_when=asyncio.FIRST_COMPLETED)
        if exited in done:
            _say(f"\n{exited.result()} stopped unexpectedly: stopping the stack.")
        for task in (stopper, exited):
            task.cancel()
    finally:
        _say("\nStopping…")
        await stack.stop()
        _say("Stopped.")


def _say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 - the dev stack talks to the developer


def _banner(stack: Stack) -> None:
    s = stack.settings
    base = f"http://{s.api_host}:{s.api_port}"
    lines = [
        "",
        "Espace abonné professionnel is running:",
        f"  Web pages        {base}/",
        f"  API docs         {base}/docs",
        f"  Health           {base}/readyz",
        f"  API metrics      {base}/metrics",
    ]
    if metrics := stack.env.get("WORKER_METRICS_ADDRESS"):
        lines.append(f"  Worker metrics   http://{metrics}/metrics")
    if stack.starts_temporal:
        lines.append(f"  Temporal UI      http://127.0.0.1:{s.temporal_ui_port}")
        lines.append(f"  Codec session    {s.base_url}/codec/session")
    else:
        lines.append(f"  Temporal         {s.temporal_address} (external)")
    if stack.sink:
        lines += [
            f"  Mail (SMTP sink) 127.0.0.1:{stack.sink.port}",
            f"  Received mail    {s.data_dir.resolve() / 'mail'}",
        ]
        if s.app_env is Environment.DEVELOPMENT:
            lines.append(f"  Dev inbox        {base}/dev/inbox")
    else:
        lines.append(f"  Mail             {s.smtp_host}:{s.smtp_port} (external)")
    if s.letter_outbox_dir is None:
        lines.append(f"  Letters (post)   {s.data_dir.resolve() / 'courrier'}")
        if s.app_env is Environment.DEVELOPMENT:
            lines.append(f"  Dev letters      {base}/dev/courrier")
    else:
        lines.append(f"  Letters spool    {s.letter_outbox_dir}")
    lines.append(f"  Data             {s.data_dir.resolve()}")
    if stack.starts_temporal:
        lines += [
            "Decoded payloads in the Temporal UI: give CODEC_AUTH_TOKEN (from secrets.env in Data)",
            "once on the codec session page, then in the UI's Codec Server settings choose",
            '"Use my browser setting and ignore …-level setting", endpoint',
            f'{s.base_url}/codec, and tick "Include cross-origin credentials".',
        ]
    lines += ["Press Ctrl-C to stop.", ""]
    _say("\n".join(lines))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
