"""The load driver: a process of its own that plays the users, over HTTP (httpx, async).

It also hosts the SMTP capture server the stack delivers to, and, for the floor, plays the API's
part against Temporal directly. It speaks JSON lines: on start it prints `{"smtp_port": N}`, then
runs each command read from stdin, printing `{"event": "window_start"}` and
`{"event": "window_end"}` around the measured window (so that the parent reads CPU counters at
the same moments) and finally `{"result": {...}}`.

    python -m bench.driver
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import httpx
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.capture import CodeCapture
from bench.floor import FLOOR_TASK_QUEUE, FloorWorkflow, Step
from bench.sample import DETAILS
from bench.stats import Recorder

MAIL_TIMEOUT = 60  # seconds: far beyond any healthy delivery, short of hanging the run

Action = Callable[[Recorder], Coroutine[Any, Any, None]]


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


class RequestFailed(Exception):
    pass


@dataclass
class Driver:
    capture: CodeCapture
    # Activated subscribers (identifier, password, the activating client's device token), signed
    # in with during the sign-in phase: as a recognised client, so no second step (SPEC §9).
    credentials: list[tuple[str, str, str]] = field(default_factory=list)

    # -- the product --------------------------------------------------------------------------

    async def enrollment(self, http: httpx.AsyncClient, rec: Recorder, activate: bool) -> None:
        email = f"bench.{uuid.uuid4().hex[:16]}@exemple.fr"
        password = "Bench" + secrets.token_hex(5)
        mail = self.capture.expect(email)
        try:
            await self._enroll(http, rec, email, password, mail, activate)
        except RequestFailed:
            pass  # already counted
        except (httpx.HTTPError, TimeoutError) as error:
            rec.fail("transport", type(error).__name__)
        finally:
            self.capture.forget(email)

    async def _enroll(
        self,
        http: httpx.AsyncClient,
        rec: Recorder,
        email: str,
        password: str,
        mail: asyncio.Future[tuple[str, float]],
        activate: bool,
    ) -> None:
        body = {
            "terms_accepted": True,
            "email": email,
            "email_confirmation": email,
            "password": password,
            "password_confirmation": password,
        }
        created = await _call(rec, "create", 201, http.post("/api/v1/enrollments", json=body))
        base = f"/api/v1/enrollments/{created.json()['enrollment_id']}"
        await _call(rec, "details", 200, http.put(f"{base}/details", json=DETAILS))
        confirm_sent = time.perf_counter()
        await _call(rec, "confirm", 202, http.post(f"{base}/confirm"))
        try:
            code, arrived = await asyncio.wait_for(mail, MAIL_TIMEOUT)
        except (TimeoutError, ValueError) as error:
            rec.fail("mail", type(error).__name__)
            return
        rec.add("mail", confirm_sent, arrived - confirm_sent)
        if not activate:
            rec.complete()
            return
        activation = {"email": email, "code": code}
        activated = await _call(
            rec, "activate", 201, http.post("/api/v1/activations", json=activation)
        )
        token = activated.json()["access_token"]
        device_token = activated.json()["device_token"]
        pdf = await _call(
            rec, "pdf", 200,
            http.get("/api/v1/me/recap.pdf", headers={"Authorization": f"Bearer {token}"}),
        )  # fmt: skip
        if not pdf.content.startswith(b"%PDF"):
            rec.fail("pdf", "not a PDF")
            return
        rec.complete()
        self.credentials.append((email, password, device_token))

    async def sign_in(
        self, http: httpx.AsyncClient, rec: Recorder, pick: itertools.cycle[tuple[str, str, str]]
    ) -> None:
        email, password, device_token = next(pick)
        body = {"email": email, "password": password, "device_token": device_token}
        try:
            await _call(rec, "sign_in", 201, http.post("/api/v1/sessions", json=body))
            rec.complete()
        except RequestFailed:
            pass
        except httpx.HTTPError as error:
            rec.fail("transport", type(error).__name__)

    # -- the floor ----------------------------------------------------------------------------

    async def floor(self, client: Client, rec: Recorder) -> None:
        workflow_id = f"floor-{uuid.uuid4().hex}"
        start = WithStartWorkflowOperation(
            FloorWorkflow.run,
            Step(number=0),
            id=workflow_id,
            task_queue=FLOOR_TASK_QUEUE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        step = "create"
        try:
            await rec.timed(
                "create",
                client.execute_update_with_start_workflow(
                    FloorWorkflow.begin, Step(number=1), start_workflow_operation=start
                ),
            )
            handle = client.get_workflow_handle_for(FloorWorkflow.run, workflow_id)
            step = "details"  # the API's details step: a query, then an update
            await rec.timed("details", _query_then_update(client, workflow_id))
            step = "confirm"
            confirm = handle.execute_update(FloorWorkflow.one_activity, Step(number=3))
            await rec.timed("confirm", confirm)
            step = "activate"
            await rec.timed("activate", handle.execute_update(FloorWorkflow.finish, Step(number=4)))
            rec.complete()
        except Exception as error:  # any failure is an error of the phase, counted
            rec.fail(step, type(error).__name__)


async def _query_then_update(client: Client, workflow_id: str) -> None:
    handle = client.get_workflow_handle_for(FloorWorkflow.run, workflow_id)
    await handle.query(FloorWorkflow.step)
    await handle.execute_update(FloorWorkflow.one_activity, Step(number=2))


async def _call(
    rec: Recorder, step: str, expected: int, request: Awaitable[httpx.Response]
) -> httpx.Response:
    try:
        response = await rec.timed(step, request)
    except httpx.HTTPError as error:
        rec.fail(step, type(error).__name__)
        raise RequestFailed from None
    if response.status_code != expected:
        rec.fail(step, f"HTTP {response.status_code}")
        raise RequestFailed
    return response


async def run_phase(
    action: Action,
    *,
    users: int = 0,
    rate: float = 0.0,
    count: int = 0,
    duration: float = 0.0,
    warmup: float = 0.0,
) -> dict[str, Any]:
    """Closed loop (`users` each running `action` back to back), open loop (`rate` arrivals per
    second) for warm-up + duration seconds, or exactly `count` actions by `users`."""
    rec = Recorder()
    begin = time.perf_counter()
    window_start, window_end = begin + warmup, begin + warmup + duration

    async def announce() -> None:
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        emit({"event": "window_start"})
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        emit({"event": "window_end"})

    async def closed_loop_user() -> None:
        while time.perf_counter() < window_end:
            await action(rec)

    remaining = count

    async def counted_user() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await action(rec)

    if count:
        emit({"event": "window_start"})
        await asyncio.gather(*(counted_user() for _ in range(users)))
        window_end = time.perf_counter()
        emit({"event": "window_end"})
        window_start = begin
    elif rate:
        announcer = asyncio.create_task(announce())
        arrivals: set[asyncio.Task[None]] = set()
        next_at = begin
        while next_at < window_end:
            task = asyncio.create_task(action(rec))
            arrivals.add(task)
            task.add_done_callback(arrivals.discard)
            next_at += 1 / rate
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        await announcer
        await asyncio.gather(*arrivals)
    else:
        announcer = asyncio.create_task(announce())
        await asyncio.gather(*(closed_loop_user() for _ in range(users)))
        await announcer
    return rec.summary(window_start, window_end)


async def run(command: dict[str, Any], driver: Driver) -> dict[str, Any]:
    load = {k: command[k] for k in ("users", "rate", "count", "duration", "warmup") if k in command}
    kind = command["cmd"]
    if kind == "floor":
        client = await Client.connect(command["address"], data_converter=pydantic_data_converter)
        return await run_phase(lambda rec: driver.floor(client, rec), **load)
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=command["base_url"], timeout=60, limits=limits) as http:
        if kind == "enroll":
            activate = command.get("activate", True)
            return await run_phase(lambda rec: driver.enrollment(http, rec, activate), **load)
        if kind == "sign_in":
            if not driver.credentials:
                return {"errors": {"sign_in: no subscriber to sign in with": 1}}
            pick = itertools.cycle(list(driver.credentials))
            return await run_phase(lambda rec: driver.sign_in(http, rec, pick), **load)
    raise ValueError(f"unknown command {kind!r}")


async def main() -> None:
    capture = CodeCapture()
    emit({"smtp_port": await capture.start()})
    driver = Driver(capture)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        emit({"result": await run(command, driver)})
    await capture.stop()


if __name__ == "__main__":
    asyncio.run(main())
