"""`make chaos` (`python -m chaos`): a bounded fault scenario on separate processes.

The Temporal dev server (SQLite file), two workers, the API, the SMTP sink and, when the machine
has it, a private PostgreSQL cluster run as processes of their own. Enrollments go through the
HTTP API as a client would (retrying a refused call), while each part is killed in turn: SIGKILL
of each worker, of the Temporal server (restarted on the same file), of the API; the SMTP server
stopped 20 s; PostgreSQL crashed 10 s. The report says what was lost, duplicated and refused.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import Session, col, select
from temporalio.client import Client

from bench.harness import ONE_ADDRESS_FOR_ALL_USERS
from chaos.parts import Part, Postgres, api, free_port, smtp, temporal, worker
from devstack.secrets_file import load_or_create
from orchestration.client import codec_from_settings, data_converter
from settings import Settings
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables import Subscriber
from tests.support import details, identifiers

CODE_LINE = re.compile(r"^([A-Za-z0-9]{12})$", re.MULTILINE)
CALL_DEADLINE = 120  # seconds a client keeps retrying one step


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 - the scenario reports to the operator


@dataclass
class Tally:
    server_errors: Counter[str] = field(default_factory=Counter)  # 5xx answers per step
    # 503 + Retry-After: a dependency is down and the server says when to come back.
    retry_later: Counter[str] = field(default_factory=Counter)
    unreachable: Counter[str] = field(default_factory=Counter)  # no answer (API down)
    confirm_409: int = 0
    slow_confirms: int = 0  # confirm answered in more than 2 s
    failed: dict[str, str] = field(default_factory=dict)  # email → the step that gave up
    activated: set[str] = field(default_factory=set)


class Inbox:
    """The sink's folder: every code each recipient received, in order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._read: set[Path] = set()
        self.codes: dict[str, list[str]] = defaultdict(list)

    def scan(self) -> None:
        for path in sorted(self.folder.glob("*.txt")):
            if path in self._read:
                continue
            self._read.add(path)
            text = path.read_text(encoding="utf-8")
            to = text.partition("\n")[0].removeprefix("To: ").strip().lower()
            if match := CODE_LINE.search(text.replace("\r\n", "\n")):
                self.codes[to].append(match.group(1))

    async def code_for(self, email: str, patience: float) -> str | None:
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            self.scan()
            if self.codes.get(email):
                return self.codes[email][0]
            await asyncio.sleep(0.3)
        return None


async def call(
    http: httpx.AsyncClient, tally: Tally, step: str, method: str, url: str, **kwargs: Any
) -> httpx.Response | None:
    """One step as a patient client does it: retried while the server is down or answers 5xx."""
    deadline = time.monotonic() + CALL_DEADLINE
    while time.monotonic() < deadline:
        try:
            answer = await http.request(method, url, **kwargs)
        except httpx.TransportError:
            tally.unreachable[step] += 1
        else:
            if answer.status_code < 500:
                return answer
            if answer.status_code == 503 and "retry-after" in answer.headers:
                tally.retry_later[step] += 1
                await asyncio.sleep(min(int(answer.headers["retry-after"]), 2))
                continue
            tally.server_errors[f"{step} {answer.status_code}"] += 1
        await asyncio.sleep(0.5)
    return None


async def enroll(http: httpx.AsyncClient, inbox: Inbox, tally: Tally, email: str) -> None:
    created = await call(http, tally, "start", "POST", "/api/v1/enrollments",
                         json=identifiers(email, "Chaos2026x"))  # fmt: skip
    if created is None or created.status_code != 201:
        tally.failed[email] = f"start {created.status_code if created else 'timeout'}"
        return
    url = f"/api/v1/enrollments/{created.json()['enrollment_id']}"
    recap = await call(http, tally, "details", "PUT", f"{url}/details", json=details())
    if recap is None or recap.status_code != 200:
        tally.failed[email] = f"details {recap.status_code if recap else 'timeout'}"
        return
    began = time.monotonic()
    confirmed = await call(http, tally, "confirm", "POST", f"{url}/confirm")
    if time.monotonic() - began > 2:
        tally.slow_confirms += 1
    if confirmed is None or confirmed.status_code != 202:
        if confirmed is not None and confirmed.status_code == 409:
            tally.confirm_409 += 1
        tally.failed[email] = f"confirm {confirmed.status_code if confirmed else 'timeout'}"
        return
    code = await inbox.code_for(email, patience=CALL_DEADLINE)
    if code is None:
        tally.failed[email] = "no e-mail"
        return
    activated = await call(http, tally, "activate", "POST", "/api/v1/activations",
                           json={"email": email, "code": code})  # fmt: skip
    if activated is not None and activated.status_code == 201:
        tally.activated.add(email)
    elif activated is not None:
        # A retry of an activation whose first answer was lost: the database tells.
        tally.failed[email] = f"activate {activated.status_code}"
    else:
        tally.failed[email] = "activate timeout"


@dataclass
class Topology:
    data_dir: Path
    settings: Settings
    env: dict[str, str]
    parts: dict[str, Part]
    postgres: Postgres | None


async def build(data_dir: Path, use_postgres: bool) -> Topology:
    postgres = Postgres.available(data_dir / "pg") if use_postgres else None
    if postgres is not None:
        await postgres.init()
    database_url = postgres.url if postgres else f"sqlite:///{data_dir / 'subscribers.db'}"
    temporal_port, api_port, smtp_port = free_port(), free_port(), free_port()
    secrets = load_or_create(data_dir)
    env = {
        **os.environ,
        **secrets,
        **ONE_ADDRESS_FOR_ALL_USERS,
        "APP_ENV": "production",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "TEMPORAL_TASK_QUEUE": "enrollments",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "API_HOST": "127.0.0.1",
        "API_PORT": str(api_port),
        "WORKER_METRICS_ADDRESS": "",
        "PYTHONUNBUFFERED": "1",
    }
    settings = Settings.model_validate(
        {
            "app_env": "production",
            "data_dir": data_dir,
            "database_url": database_url,
            "temporal_address": env["TEMPORAL_ADDRESS"],
            **{k.lower(): v for k, v in secrets.items()},
        }
    )
    await asyncio.to_thread(upgrade, database_url)
    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    parts = {
        "temporal": temporal(data_dir, temporal_port, env),
        "smtp": smtp(smtp_port, data_dir / "mail", env),
        "worker-1": worker("worker-1", env, logs),
        "worker-2": worker("worker-2", env, logs),
        "api": api(api_port, env, logs),
    }
    for part in parts.values():
        await part.start()
    return Topology(data_dir, settings, env, parts, postgres)


async def faults(topology: Topology, log: list[str]) -> None:
    """Each part killed in turn, while the enrollments run."""
    parts = topology.parts
    began = time.monotonic()

    def note(text: str) -> None:
        log.append(f"{time.monotonic() - began:5.1f} s  {text}")
        say(f"  {log[-1]}")

    async def kill_and_restart(name: str, after: float, down: float) -> None:
        await asyncio.sleep(after)
        note(f"kill -9 {name}")
        await parts[name].kill()
        await asyncio.sleep(down)
        await parts[name].start()
        note(f"{name} started again")

    await kill_and_restart("worker-1", 4, 3)
    await kill_and_restart("worker-2", 3, 3)
    await kill_and_restart("temporal", 3, 2)
    await kill_and_restart("api", 4, 2)
    await asyncio.sleep(3)
    note("SMTP server stopped for 20 s")
    await parts["smtp"].kill()
    await asyncio.sleep(20)
    await parts["smtp"].start()
    note("SMTP server back")
    if topology.postgres is not None:
        await asyncio.sleep(3)
        note("PostgreSQL crashed (immediate stop) for 10 s")
        await topology.postgres.crash()
        await asyncio.sleep(10)
        await topology.postgres.start()
        note("PostgreSQL back")


async def running_workflows(settings: Settings) -> int:
    client = await Client.connect(
        settings.temporal_address, data_converter=data_converter(codec_from_settings(settings))
    )
    return len([w async for w in client.list_workflows('ExecutionStatus="Running"')])


async def scenario(enrollments: int, spread: float, use_postgres: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="chaos-") as scratch:
        data_dir = Path(scratch)
        say(f"Starting the parts in {data_dir} …")
        topology = await build(data_dir, use_postgres)
        database = "PostgreSQL (private cluster)" if topology.postgres else "SQLite"
        say(f"Temporal dev server, 2 workers, API, SMTP sink, {database}: running.")
        tally, inbox, log = Tally(), Inbox(data_dir / "mail"), list[str]()
        run = f"{int(time.time())}"
        emails = [f"chaos.{run}.{n}@exemple.fr" for n in range(enrollments)]
        try:
            base_url = f"http://127.0.0.1:{topology.env['API_PORT']}"
            async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:

                async def later(n: int, email: str) -> None:
                    await asyncio.sleep(n * spread / max(enrollments, 1))
                    await enroll(http, inbox, tally, email)

                drivers = asyncio.gather(*(later(n, e) for n, e in enumerate(emails)))
                await asyncio.gather(faults(topology, log), drivers)
            await asyncio.sleep(3)  # the workflows render their recaps and end
            inbox.scan()
            report = await _report(topology, tally, inbox, emails)
        finally:
            for part in reversed(list(topology.parts.values())):
                await part.stop()
            if topology.postgres is not None:
                await topology.postgres.stop()
    say(report["text"])
    return 0 if report["ok"] else 1


async def _report(
    topology: Topology, tally: Tally, inbox: Inbox, emails: list[str]
) -> dict[str, Any]:
    engine = make_engine(topology.settings.resolved_database_url)
    with Session(engine) as session:
        rows = Counter(
            session.exec(select(Subscriber.email).where(col(Subscriber.email).in_(emails))).all()
        )
    engine.dispose()
    subscribed = set(rows)
    lost = [email for email in emails if email not in subscribed]
    second_codes = [e for e in emails if len(set(inbox.codes.get(e, []))) > 1]
    repeated_mails = sum(max(len(inbox.codes.get(e, [])) - 1, 0) for e in emails)
    still_running = await running_workflows(topology.settings)
    ok = (
        not lost
        and not second_codes
        and not tally.confirm_409
        and not still_running
        and not tally.server_errors
    )
    lines = [
        "",
        f"Enrollments:                 {len(emails)}",
        f"Activated (subscriber row):  {len(subscribed)}  (duplicate rows: "
        f"{sum(1 for n in rows.values() if n > 1)})",
        f"LOST:                        {len(lost)}",
        f"Second, different codes:     {len(second_codes)}",
        f"Repeated e-mails, same code: {repeated_mails}",
        f"Workflows still running:     {still_running}",
        f"Confirm answered 409:        {tally.confirm_409}",
        f"Confirm slower than 2 s:     {tally.slow_confirms}",
        f"Server errors (5xx):         {sum(tally.server_errors.values())}  "
        f"{dict(tally.server_errors) or ''}",
        f"503 + Retry-After (refused): {sum(tally.retry_later.values())}  "
        f"{dict(tally.retry_later) or ''}",
        f"No answer (API down):        {sum(tally.unreachable.values())}  "
        f"{dict(tally.unreachable) or ''}",
    ]
    if tally.failed:
        lines.append(f"Clients that gave up:        {tally.failed}")
    lines.append("RESULT: " + ("OK" if ok else "FAILED"))
    return {"ok": ok, "text": "\n".join(lines)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--enrollments", type=int, default=60)
    parser.add_argument("--spread", type=float, default=70.0,
                        help="seconds over which the enrollments start")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    code = asyncio.run(scenario(args.enrollments, args.spread, not args.no_postgres))
    sys.exit(code)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
