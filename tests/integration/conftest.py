"""What most HTTP tests get: the app live on loopback over the dev server, with a real worker,
every response it gave kept for the checks that run once the test is over."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from services.throttle import Clock
from settings import Settings
from tests.integration.project_logs import ProjectLogs
from tests.live import LiveApp, live_app


@pytest.fixture
def responses() -> list[httpx.Response]:
    return []


@pytest.fixture
def clock() -> Clock | None:
    """The real clock; a module whose tests move time overrides this with a FakeClock."""
    return None


@pytest.fixture
async def app(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    clock: Clock | None,
    responses: list[httpx.Response],
) -> AsyncIterator[LiveApp]:
    async with live_app(dev_env.client, settings, engine, clock, keep=responses) as live:
        yield live


@pytest.fixture
def project_logs(caplog: pytest.LogCaptureFixture) -> ProjectLogs:
    return ProjectLogs(caplog)
