"""The admin command run in the test's process, as an operator types it: its exit status and
what it wrote on stdout."""

from __future__ import annotations

import io

from sqlalchemy import Engine
from temporalio.client import Client

from admin.cli import run
from settings import Settings


async def admin_output(
    argv: tuple[str, ...], settings: Settings, client: Client, engine: Engine, stdin: str = ""
) -> tuple[int, str]:
    out = io.StringIO()
    code = await run(
        list(argv), settings, client=client, engine=engine, out=out, stdin=io.StringIO(stdin)
    )
    return code, out.getvalue()
