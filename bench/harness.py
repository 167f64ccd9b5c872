"""The system under test and the driver, started together, measured phase by phase.

The embedded stack runs with production-like settings in a temporary data directory on free
ports: APP_ENV=production (real secrets, real argon2 parameters), Temporal state in its SQLite
file, mail by real SMTP to the driver's capture server, webhooks to the driver's loopback
receiver. The floor's worker runs beside it on the same Temporal server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.hashing import hashing_spent
from bench.persistence import difference, persistence_requests
from bench.procstat import RssSampler, snapshot
from devstack.secrets_file import load_or_create
from devstack.stack import ROOT, Stack
from settings import Environment, Settings

# The driver is one client address standing for many users: the per-address limits are lifted
# (the per-identifier ones still apply, and the counting is still paid for on every request).
ONE_ADDRESS_FOR_ALL_USERS = {
    name: str(10**9)
    for name in (
        "ACTIVATION_ATTEMPTS_PER_ADDRESS",
        "RESENDS_PER_ADDRESS",
        "SIGN_INS_PER_ADDRESS",
        "ENROLLMENTS_PER_ADDRESS",
        "CONFIRMS_PER_ADDRESS",
    )
}
# The driver's webhook receiver listens on 127.0.0.1 over plain HTTP, which production refuses.
LOOPBACK_WEBHOOKS = {"WEBHOOK_ALLOW_LOCAL_URLS": "true"}
# The worker as docker-compose.yml runs it in production: workflow code out of the SDK's
# sandbox, which the tests keep (docs/capacity.md, « The workflow sandbox »).
PRODUCTION_WORKER = {"WORKER_WORKFLOW_SANDBOX": "false"}
# A service client's requests per minute: far above what the bench sends, so never its limit.
SERVICE_QUOTA = 10**9
# The dev server reads its search attributes from the database on every use (so that one created
# at run time is usable at once); a cluster caches them, and so does the measured server. A
# profile showed that reading cost ~4 ms of server CPU per enrollment, most of it for the
# workflow tasks that upsert; ours are registered before the server starts, so nothing waits.
CLUSTER_LIKE_TEMPORAL = {"system.forceSearchAttributesCacheRefreshOnRead": "false"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Harness:
    stack: Stack
    driver: asyncio.subprocess.Process
    floor_worker: asyncio.subprocess.Process
    data_dir: Path
    webhook_port: int = 0
    temporal_metrics_port: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.stack.settings.base_url

    @property
    def pids(self) -> dict[str, int]:
        pids = {name: p.pid for name, p in self.stack.processes.items()}
        return pids | {"floor_worker": self.floor_worker.pid, "driver": self.driver.pid}

    def temporal_db_bytes(self) -> int:
        """The Temporal SQLite file with its write-ahead log."""
        return sum(p.stat().st_size for p in self.data_dir.glob("temporal.db*"))

    async def api_paths(self) -> set[str]:
        """The paths the API serves (its OpenAPI document): which flows this build has."""
        async with httpx.AsyncClient(base_url=self.base_url, timeout=30) as http:
            answer = await http.get("/openapi.json")
        return set(answer.json().get("paths", {})) if answer.status_code == 200 else set()

    async def _run(self, *arguments: str) -> str:
        """A product command in the stack's environment (its settings, its database)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, *arguments, cwd=ROOT, env=self.stack.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(arguments)}: {err.decode()[-2000:]}")
        return out.decode()

    async def limit(self, repetitions: int) -> dict[str, Any]:
        """The limit's parts timed alone in a process of their own (bench/limit.py)."""
        found: dict[str, Any] = json.loads(
            (await self._run("-m", "bench.limit", str(repetitions))).splitlines()[-1]
        )
        return found

    async def service_key(self) -> str:
        """A service client with both scopes, made by the admin command in the bench's database."""
        made = await self._run(
            "-m", "admin", "clients", "create", "--name", "Banc de mesure",
            "--scopes", "enrollments,events", "--quota-per-minute", str(SERVICE_QUOTA),
        )  # fmt: skip
        return str(json.loads(made)["key"])

    async def _persisted(self) -> dict[str, float]:
        url = f"http://127.0.0.1:{self.temporal_metrics_port}/metrics"
        return await persistence_requests(url) if self.temporal_metrics_port else {}

    async def phase(self, command: dict[str, Any]) -> dict[str, Any]:
        """Run one driver command; add each process's CPU seconds and peak RSS in its window,
        the Temporal server's persistence requests (bench/persistence.py) and the API's
        argon2id calls and their CPU (bench/hashing.py)."""
        assert self.driver.stdin and self.driver.stdout
        self.driver.stdin.write((json.dumps(command) + "\n").encode())
        await self.driver.stdin.drain()
        sampler = RssSampler(self.pids)
        # Each of several API processes counts its own calls: one reading would mix theirs.
        api_metrics = self.base_url + "/metrics" if self.stack.api_processes == 1 else None
        before: dict[str, float] = {}
        cpu: dict[str, float] = {}
        rss: dict[str, int] = {}
        persisted: dict[str, float] = {}
        persisted_before: dict[str, float] = {}
        hashing: dict[str, float] = {}
        hashing_before: dict[str, float] = {}
        while True:
            line = await self.driver.stdout.readline()
            if not line:
                raise RuntimeError("the driver stopped")
            message = json.loads(line)
            if message.get("event") == "window_start":
                before = snapshot(self.pids)
                sampler.start()
                persisted_before = await self._persisted()
                if api_metrics:
                    hashing_before = await hashing_spent(api_metrics)
            elif message.get("event") == "window_end":
                after = snapshot(self.pids)
                persisted = difference(persisted_before, await self._persisted())
                if api_metrics:
                    hashing = difference(hashing_before, await hashing_spent(api_metrics))
                cpu = {name: after[name] - before[name] for name in after}
                rss = await sampler.stop()
            elif "result" in message:
                result: dict[str, Any] = message["result"]
                return result | {
                    "cpu_s": cpu,
                    "peak_rss_kib": rss,
                    "persistence": persisted,
                    "hashing": hashing,
                }


def production_like_settings(data_dir: Path, smtp_port: int) -> Settings:
    secrets: dict[str, Any] = {k.lower(): v for k, v in load_or_create(data_dir).items()}
    return Settings(
        app_env=Environment.PRODUCTION,
        data_dir=data_dir,
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
        api_port=free_port(),
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        **secrets,
    )


def _dynamic_config(values: dict[str, str]) -> list[str]:
    return [
        arg for key, value in values.items() for arg in ("--dynamic-config-value", f"{key}={value}")
    ]


@contextlib.asynccontextmanager
async def running(
    data_dir: Path,
    temporal_args: list[str],
    extra_env: dict[str, str],
    workers: int = 1,
    api_processes: int = 1,
) -> AsyncIterator[Harness]:
    python = sys.executable
    driver = await asyncio.create_subprocess_exec(
        python, "-m", "bench.driver", cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        limit=2**24,  # the result line holds every latency summary
    )  # fmt: skip
    floor_worker: asyncio.subprocess.Process | None = None
    stack: Stack | None = None
    try:
        assert driver.stdout is not None
        ports = json.loads(await driver.stdout.readline())
        smtp_port = int(ports["smtp_port"])
        settings = production_like_settings(data_dir, smtp_port)
        metrics_port = free_port()  # the server's own metrics: its persistence requests
        stack = Stack(
            settings,
            extra_env=ONE_ADDRESS_FOR_ALL_USERS | LOOPBACK_WEBHOOKS | extra_env,
            quiet=True,
            temporal_args=[
                *temporal_args,
                *_dynamic_config(CLUSTER_LIKE_TEMPORAL),
                *("--metrics-port", str(metrics_port)),
            ],
            api_processes=api_processes,
        )
        await stack.start()
        # More worker processes on the same task queue: what scaling the worker out buys.
        for number in range(2, workers + 1):
            metrics = {"WORKER_METRICS_ADDRESS": f"127.0.0.1:{free_port()}"}  # one port each
            await stack.spawn(f"worker{number}", python, str(ROOT / "worker.py"), env=metrics)
        floor_worker = await asyncio.create_subprocess_exec(
            python, "-m", "bench.floor_worker", settings.temporal_address, cwd=ROOT
        )
        yield Harness(
            stack, driver, floor_worker, data_dir, int(ports["webhook_port"]), metrics_port
        )
    finally:
        for process in (floor_worker, driver):
            if process and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), 10)
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        if stack:
            await stack.stop()
