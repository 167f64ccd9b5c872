"""The load driver: a process of its own that plays the users, over HTTP (httpx, async).

It also hosts the SMTP capture server the stack delivers to and the webhook receiver a backend
service would run, and, for the floor, plays the API's part against Temporal directly. It speaks
JSON lines: on start it prints `{"smtp_port": N, "webhook_port": N}`, then runs each command read
from stdin, printing `{"event": "window_start"}` and `{"event": "window_end"}` around the
measured window (so that the parent reads CPU counters at the same moments) and finally
`{"result": {...}}`.

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
from datetime import datetime
from typing import Any

import httpx
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.capture import CodeCapture
from bench.floor import FloorWorkflow
from bench.floor_parts import FLOOR_TASK_QUEUE, Step
from bench.history import count_phase
from bench.receiver import WebhookReceiver
from bench.sample import DETAILS, invitation_body
from bench.stats import Recorder

MAIL_TIMEOUT = 60  # seconds: far beyond any healthy delivery, short of hanging the run
WEBHOOK_TIMEOUT = 60  # the same for a webhook (its first retry comes 5 s after a failure)
# A subscriber may be sent CODE_EMAILS_PER_RECIPIENT (6) code e-mails an hour; the activation
# e-mail was one: the second-step phase signs each one in at most this many times.
SECOND_STEPS_PER_SUBSCRIBER = 4

Action = Callable[[Recorder], Coroutine[Any, Any, None]]


def emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


class RequestFailed(Exception):
    pass


@dataclass
class Driver:
    capture: CodeCapture
    receiver: WebhookReceiver
    # Activated subscribers (identifier, password, the activating client's device token), signed
    # in with during the sign-in phases: as a recognised client, so no second step (SPEC §9),
    # except in the second step's own phase, which leaves the token out.
    credentials: list[tuple[str, str, str]] = field(default_factory=list)
    # The service key and webhook endpoint of the services phases, and the deliveries received.
    service_key: str = ""
    endpoint_id: str = ""
    deliveries: list[str] = field(default_factory=list)

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
        """As the client that activated (its device token): one argon2id verification."""
        email, password, device_token = next(pick)
        body = {"email": email, "password": password, "device_token": device_token}
        try:
            await _call(rec, "sign_in", 201, http.post("/api/v1/sessions", json=body))
            rec.complete()
        except RequestFailed:
            pass
        except httpx.HTTPError as error:
            rec.fail("transport", type(error).__name__)

    async def second_step(
        self, http: httpx.AsyncClient, rec: Recorder, pool: list[tuple[str, str]]
    ) -> None:
        """From a client never seen (no device token): the password (202 and a challenge), the
        e-mailed 6 digits, the challenge answered (201); `whole` times the three."""
        if not pool:
            rec.fail("second_step", "no subscriber left to sign in with")
            await asyncio.sleep(1)  # the phase's clock runs on; say it once a second
            return
        email, password = pool.pop()
        mail = self.capture.expect(email)
        started = time.perf_counter()
        try:
            asked = await _call(
                rec, "password", 202,
                http.post("/api/v1/sessions", json={"email": email, "password": password}),
            )  # fmt: skip
            code, arrived = await asyncio.wait_for(mail, MAIL_TIMEOUT)
            rec.add("mail", started, arrived - started)  # the code may come before the 202
            answer = {"challenge_id": asked.json()["challenge_id"], "code": code}
            await _call(rec, "code", 201, http.post("/api/v1/sessions/challenge", json=answer))
            rec.add("whole", started, time.perf_counter() - started)
            rec.complete()
        except RequestFailed:
            pass
        except (httpx.HTTPError, TimeoutError) as error:
            rec.fail(
                "transport" if isinstance(error, httpx.HTTPError) else "mail", type(error).__name__
            )
        finally:
            self.capture.forget(email)

    # -- a backend service ---------------------------------------------------------------------

    async def services(self, http: httpx.AsyncClient, key: str, hook_url: str) -> dict[str, Any]:
        """Register the receiver as the service's webhook endpoint for activations."""
        self.service_key = key
        body = {"url": hook_url, "event_types": ["enrollment.activated"]}
        answer = await http.post(
            "/api/v1/webhook-endpoints", json=body, headers=self._service_headers()
        )
        if answer.status_code != 201:
            return {"errors": {f"webhook endpoint: HTTP {answer.status_code}": 1}}
        self.receiver.trust(answer.json()["secret"])
        self.endpoint_id = answer.json()["endpoint_id"]
        return {"endpoint_id": self.endpoint_id}

    def _service_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.service_key}"}

    async def invitation(self, http: httpx.AsyncClient, rec: Recorder) -> None:
        """A service invites; the person accepts with the e-mailed code; the service's webhook
        receives `enrollment.activated`. `whole` runs from the invitation to the webhook."""
        email = f"bench.{uuid.uuid4().hex[:16]}@exemple.fr"
        password = "Bench" + secrets.token_hex(5)
        mail = self.capture.expect(email)
        invitation_id = ""
        started = time.perf_counter()
        try:
            invited = await _call(
                rec, "invite", 201,
                http.post("/api/v1/invitations", json=invitation_body(email),
                          headers=self._service_headers()),
            )  # fmt: skip
            invitation_id = invited.json()["invitation_id"]
            hook = self.receiver.expect_invitation(invitation_id)
            code, arrived = await asyncio.wait_for(mail, MAIL_TIMEOUT)
            rec.add("mail", started, arrived - started)  # the code may come before the 201
            acceptance = {
                "email": email,
                "code": code,
                "terms_accepted": True,
                "password": password,
                "password_confirmation": password,
                "trust": DETAILS["trust"],
            }
            accepted_at = time.perf_counter()
            await _call(
                rec, "accept", 201, http.post("/api/v1/invitations/accept", json=acceptance)
            )
            delivery_id, received = await asyncio.wait_for(hook, WEBHOOK_TIMEOUT)
            rec.add("webhook", accepted_at, received - accepted_at)
            rec.add("whole", started, received - started)
            rec.complete()
            self.deliveries.append(delivery_id)
        except RequestFailed:
            pass
        except TimeoutError:
            rec.fail("mail or webhook", "TimeoutError")
        except httpx.HTTPError as error:
            rec.fail("transport", type(error).__name__)
        finally:
            self.capture.forget(email)
            self.receiver.forget(invitation_id=invitation_id)

    async def redelivery(self, http: httpx.AsyncClient, rec: Recorder, pool: list[str]) -> None:
        """One delivery sent again (`…/deliveries/{id}/retry`) and received: the path every
        webhook takes from the API's request to the receiver, through the worker."""
        if not pool:
            rec.fail("redeliver", "no delivery to send again")
            await asyncio.sleep(1)
            return
        delivery_id = pool.pop()  # one user at a time per delivery: its arrival is its own
        received = self.receiver.expect_delivery(delivery_id)
        path = f"/api/v1/webhook-endpoints/{self.endpoint_id}/deliveries/{delivery_id}/retry"
        try:
            asked = time.perf_counter()
            await _call(rec, "retry", 202, http.post(path, headers=self._service_headers()))
            arrived = await asyncio.wait_for(received, WEBHOOK_TIMEOUT)
            rec.add("delivered", asked, arrived - asked)
            rec.complete()
        except RequestFailed:
            pass
        except TimeoutError:
            rec.fail("delivered", "TimeoutError")
        except httpx.HTTPError as error:
            rec.fail("transport", type(error).__name__)
        finally:
            self.receiver.forget(delivery_id=delivery_id)
            pool.insert(0, delivery_id)

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
    keep_values: bool = False,
) -> dict[str, Any]:
    """Closed loop (`users` each running `action` back to back), open loop (`rate` arrivals per
    second) for warm-up + duration seconds, or exactly `count` actions by `users`; with
    `keep_values`, the summary keeps every call's latency (for `stats.pooled`)."""
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
    return rec.summary(window_start, window_end, keep_values)


async def run(command: dict[str, Any], driver: Driver) -> dict[str, Any]:
    keys = ("users", "rate", "count", "duration", "warmup", "keep_values")
    load = {k: command[k] for k in keys if k in command}
    kind = command["cmd"]
    if kind == "histories":
        client = await Client.connect(command["address"], namespace=command["namespace"])
        since, until = (datetime.fromisoformat(command[k]) for k in ("since", "until"))
        return await count_phase(client, since, until, command["anchor"])
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
        if kind == "second_step":
            pool = [(email, password) for email, password, _ in driver.credentials]
            pool *= SECOND_STEPS_PER_SUBSCRIBER
            return await run_phase(lambda rec: driver.second_step(http, rec, pool), **load)
        if kind == "services":
            return await driver.services(http, command["key"], command["hook_url"])
        if kind == "invite":
            return await run_phase(lambda rec: driver.invitation(http, rec), **load)
        if kind == "redeliver":
            deliveries = list(driver.deliveries)
            return await run_phase(lambda rec: driver.redelivery(http, rec, deliveries), **load)
    raise ValueError(f"unknown command {kind!r}")


async def main() -> None:
    capture, receiver = CodeCapture(), WebhookReceiver()
    emit({"smtp_port": await capture.start(), "webhook_port": await receiver.start()})
    driver = Driver(capture, receiver)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "quit":
            break
        emit({"result": await run(command, driver)})
    await capture.stop()
    await receiver.stop()


if __name__ == "__main__":
    asyncio.run(main())
