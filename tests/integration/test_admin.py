"""The ops command line against the Temporal dev server (visibility queries on the custom search
attributes need it), a real worker, the real SMTP server and the database."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from security.keyed_hash import KeyedHasher
from services.enrollments import EnrollmentService
from settings import Settings
from storage.subscribers import SessionRepository, SubscriberRepository
from tests.admin_cli import admin_output
from tests.live import new_enrollment_service
from tests.support import code_from, details, identifiers, process_environment, unique_email
from worker import build_worker

T = TypeVar("T")


@dataclass
class Ops:
    env: WorkflowEnvironment
    settings: Settings
    engine: Engine
    service: EnrollmentService
    sink: MailSink

    async def admin(self, *argv: str, stdin: str = "") -> tuple[int, str]:
        return await admin_output(argv, self.settings, self.env.client, self.engine, stdin)

    def workflow_id(self, email: str) -> str:
        return KeyedHasher(self.settings.identifier_hash_key).workflow_id(email)

    async def pre_register(self, email: str) -> str:
        started = await self.service.start(IdentifiersForm(**identifiers(email)))
        await self.service.submit_details(started.enrollment_id, DetailsForm(**details()))
        return started.enrollment_id

    async def awaiting_activation(self, email: str) -> str:
        await self.service.confirm(await self.pre_register(email))
        return code_from(await self.sink.message_to(email))


@pytest.fixture
async def ops(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, mail_sink: MailSink
) -> AsyncIterator[Ops]:
    repository = SubscriberRepository(engine)
    service = new_enrollment_service(dev_env.client, settings, repository)
    async with build_worker(dev_env.client, settings, repository=repository):
        yield Ops(dev_env, settings, engine, service, mail_sink)


async def eventually(probe: Callable[[], Awaitable[T]], done: Callable[[T], bool]) -> T:
    """Visibility and deletions are asynchronous: poll until the expected state shows.

    (The dev server deletes a closed run only once its visibility record is final: seconds.)
    """
    deadline = time.monotonic() + 60
    while not done(value := await probe()):
        assert time.monotonic() < deadline, value
        await asyncio.sleep(0.1)
    return value


async def test_find_by_email_shows_id_status_and_deadline_but_not_the_email(
    ops: Ops, caplog: pytest.LogCaptureFixture
) -> None:
    email = unique_email()
    await ops.awaiting_activation(email)
    caplog.set_level(logging.INFO, logger="admin")

    code, out = await ops.admin("find", email.upper())

    assert code == 0
    assert f"workflow_id: {ops.workflow_id(email)}" in out
    assert "status: awaiting_activation" in out
    assert "execution: running" in out
    assert "activation_deadline: 20" in out
    # The address was typed in capitals: look for it in any case.
    assert email not in out.lower()
    audit = [r for r in caplog.records if r.name == "admin"]
    assert [(r.action, r.workflow_id) for r in audit] == [("find", ops.workflow_id(email))]  # type: ignore[attr-defined]
    assert email not in caplog.text.lower()

    # The address may come on stdin, out of the shell history.
    assert (await ops.admin("find", "-", stdin=email + "\n"))[1] == out
    assert (await ops.admin("find", unique_email())) == (1, "no enrollment found\n")


async def test_status_asks_the_running_workflow(ops: Ops) -> None:
    email = unique_email()
    await ops.pre_register(email)
    code, out = await ops.admin("status", ops.workflow_id(email))
    assert code == 0 and "status: awaiting_confirmation" in out


async def test_resend_sends_a_new_code(ops: Ops) -> None:
    email = unique_email()
    first = await ops.awaiting_activation(email)

    code, out = await ops.admin("resend", email)

    assert code == 0 and out.startswith("new code sent")
    second = code_from(await ops.sink.message_to(email, 2))
    assert second != first
    activated = await ops.service.activate(email, second)  # the new code is the valid one
    stored = SubscriberRepository(ops.engine).by_email(email)
    assert stored is not None and stored.subscriber_number == activated.subscriber_number
    assert (await ops.admin("resend", email))[0] == 1  # activated: nothing awaits a code


async def test_erase_enrollment_terminates_and_deletes_the_history(ops: Ops) -> None:
    email = unique_email()
    await ops.awaiting_activation(email)
    handle = ops.env.client.get_workflow_handle(ops.workflow_id(email))

    code, out = await ops.admin("erase-enrollment", email)

    assert code == 0 and "runs_deleted: 1" in out
    await eventually(lambda: _exists(handle.describe()), lambda exists: not exists)
    assert (await ops.admin("find", email))[0] == 1


async def test_erase_subscriber_deletes_rows_sessions_recap_and_history(ops: Ops) -> None:
    email = unique_email()
    activated = await ops.service.activate(email, await ops.awaiting_activation(email))
    sessions = SessionRepository(ops.engine)
    sessions.add("0" * 64, activated.subscriber_id, _tomorrow())
    repository = SubscriberRepository(ops.engine)
    await ops.env.client.get_workflow_handle(ops.workflow_id(email)).result()  # recap rendered
    assert repository.recap(activated.subscriber_id) is not None

    code, out = await ops.admin("erase-subscriber", email)

    assert code == 0, out
    assert out == "subscriber_erased: yes\nruns_deleted: 1\n"
    assert repository.by_email(email) is None
    assert repository.recap(activated.subscriber_id) is None
    assert sessions.subscriber_for("0" * 64, _tomorrow() - _day()) is None
    handle = ops.env.client.get_workflow_handle(ops.workflow_id(email))
    await eventually(lambda: _exists(handle.describe()), lambda exists: not exists)
    assert (await ops.admin("erase-subscriber", email))[0] == 1


async def test_counts_by_status(ops: Ops) -> None:
    activated = unique_email()
    await ops.service.activate(activated, await ops.awaiting_activation(activated))
    await ops.awaiting_activation(unique_email())
    await ops.awaiting_activation(unique_email())
    await ops.pre_register(unique_email())

    async def counts() -> str:
        return (await ops.admin("counts"))[1]

    expected = {
        "identifiers_set": 0,
        "awaiting_confirmation": 1,
        "awaiting_activation": 2,
        "activated": 1,
        "expired": 0,
        "abandoned": 0,
        "invited": 0,
        "withdrawn": 0,
    }
    await eventually(counts, lambda out: _table(out) == expected)


def test_the_module_runs_with_settings_from_the_environment(
    dev_env: WorkflowEnvironment, settings: Settings
) -> None:
    env = process_environment(
        settings,
        TEMPORAL_ADDRESS=dev_env.client.service_client.config.target_host,
        TEMPORAL_TASK_QUEUE=settings.temporal_task_queue,
    )
    done = subprocess.run(
        [sys.executable, "-m", "admin", "counts"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    # A task queue of its own, never used: every status is listed, none counted.
    assert _table(done.stdout) == {status.value: 0 for status in EnrollmentStatus}
    assert '"action": "counts"' in done.stderr  # the JSON audit line


async def test_workflows_unpatched_lists_the_running_runs_without_the_marker(ops: Ops) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    drafting, confirmed = unique_email(), unique_email()
    await ops.pre_register(drafting)  # not confirmed: it has not reached the patch point
    await ops.service.confirm(await ops.pre_register(confirmed))  # the marker is recorded
    drafting_id, confirmed_id = ops.workflow_id(drafting), ops.workflow_id(confirmed)

    # Both runs are listed for a patch neither asked for: the listing sees them.
    await eventually(
        lambda: _unpatched(ops, "EnrollmentWorkflow", "no-such-patch"),
        lambda answer: {drafting_id, confirmed_id} <= _listed(answer[1]),
    )
    code, report = await eventually(
        lambda: _unpatched(ops, "EnrollmentWorkflow", "code-challenge"),
        lambda answer: drafting_id in _listed(answer[1]),
    )
    assert code == 1
    assert (report["workflow_type"], report["patch"]) == ("EnrollmentWorkflow", "code-challenge")
    assert report["started_before"] is None
    runs = {run["workflow_id"]: run for run in report["runs"]}
    assert confirmed_id not in runs
    assert runs[drafting_id]["status"] == "awaiting_confirmation"
    assert runs[drafting_id]["run_id"]
    assert datetime.fromisoformat(runs[drafting_id]["started_at"]) >= before

    # Runs started after the instant are left out: only older runs can have taken an old path.
    _, older = await _unpatched(
        ops, "EnrollmentWorkflow", "no-such-patch", "--started-before", before.isoformat()
    )
    assert older["started_before"] == before.isoformat()
    assert not {drafting_id, confirmed_id} & _listed(older)

    with pytest.raises(ValueError, match="not a workflow type"):
        await ops.admin("workflows", "unpatched", "X' OR WorkflowType != 'Y", "code-challenge")


async def _unpatched(ops: Ops, *argv: str) -> tuple[int, dict[str, Any]]:
    code, out = await ops.admin("workflows", "unpatched", *argv)
    return code, json.loads(out)


def _listed(report: dict[str, Any]) -> set[str]:
    return {run["workflow_id"] for run in report["runs"]}


async def _exists(describing: Awaitable[object]) -> bool:
    try:
        await describing
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


def _table(out: str) -> dict[str, int]:
    return {name: int(count) for name, count in (line.split() for line in out.splitlines())}


def _day() -> timedelta:
    return timedelta(days=1)


def _tomorrow() -> datetime:
    return datetime.now(UTC) + _day()
