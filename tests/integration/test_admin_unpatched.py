"""`python -m admin workflows unpatched`: the running runs that have not recorded a patch's
marker, read from the dev server's visibility and each run's history (docs/workflows.md)."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from admin.cli import run
from devstack.mail_sink import MailSink
from domain.models import DetailsForm, IdentifiersForm
from security.keyed_hash import KeyedHasher
from services.enrollments import EnrollmentService
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.live import new_enrollment_service
from tests.support import details, identifiers, unique_email
from worker import build_worker


@dataclass
class Check:
    env: WorkflowEnvironment
    settings: Settings
    service: EnrollmentService

    async def unpatched(self, *argv: str) -> tuple[int, dict[str, Any]]:
        out = io.StringIO()
        code = await run(
            ["workflows", "unpatched", *argv], self.settings, client=self.env.client, out=out
        )
        return code, json.loads(out.getvalue())

    async def listed(self, *argv: str, until: set[str]) -> tuple[int, dict[str, Any]]:
        """Visibility is asynchronous: ask again until every ID of `until` is in the list."""
        deadline = time.monotonic() + 60
        while True:
            code, report = await self.unpatched(*argv)
            if until <= {entry["workflow_id"] for entry in report["runs"]}:
                return code, report
            assert time.monotonic() < deadline, report
            await asyncio.sleep(0.2)

    def workflow_id(self, email: str) -> str:
        return KeyedHasher(self.settings.identifier_hash_key).workflow_id(email)

    async def drafted(self) -> tuple[str, str]:
        """An enrollment before its confirmation (it has not reached the patch point): its
        workflow ID and enrollment ID."""
        email = unique_email()
        started = await self.service.start(IdentifiersForm(**identifiers(email)))
        await self.service.submit_details(started.enrollment_id, DetailsForm(**details()))
        return self.workflow_id(email), started.enrollment_id

    async def confirmed(self) -> str:
        """An enrollment past the patch point: its confirmation recorded the marker."""
        workflow_id, enrollment_id = await self.drafted()
        await self.service.confirm(enrollment_id)
        return workflow_id


@pytest.fixture
async def check(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine, mail_sink: MailSink
) -> AsyncIterator[Check]:
    repository = SubscriberRepository(engine)
    service = new_enrollment_service(dev_env.client, settings, repository)
    async with build_worker(dev_env.client, settings, repository=repository):
        yield Check(dev_env, settings, service)


async def test_lists_the_running_runs_without_the_marker(check: Check) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    drafting, _ = await check.drafted()
    confirmed = await check.confirmed()

    # Both runs are listed for a patch neither asked for: the listing sees them.
    _, unknown = await check.listed(
        "EnrollmentWorkflow", "no-such-patch", until={drafting, confirmed}
    )
    assert unknown["patch"] == "no-such-patch"

    code, report = await check.listed("EnrollmentWorkflow", "code-challenge", until={drafting})
    assert code == 1
    assert report["workflow_type"] == "EnrollmentWorkflow"
    assert report["started_before"] is None
    runs = {entry["workflow_id"]: entry for entry in report["runs"]}
    # The confirmation recorded the code challenge's marker; the draft has not got there yet.
    assert confirmed not in runs
    assert runs[drafting]["status"] == "awaiting_confirmation"
    assert runs[drafting]["run_id"]
    assert datetime.fromisoformat(runs[drafting]["started_at"]) >= before

    # Runs started after the instant are left out: only older runs can have taken an old path.
    _, older = await check.unpatched(
        "EnrollmentWorkflow", "no-such-patch", "--started-before", before.isoformat()
    )
    assert older["started_before"] == before.isoformat()
    assert not {drafting, confirmed} & {entry["workflow_id"] for entry in older["runs"]}


async def test_refuses_what_is_not_a_workflow_type(check: Check) -> None:
    with pytest.raises(ValueError, match="not a workflow type"):
        await check.unpatched("EnrollmentWorkflow' OR WorkflowType != '", "code-challenge")
