"""What the integration tests share: the app live on loopback over the dev server with a real
worker, as configured or with settings of the test's own (or asking for the second step), every
response it gave kept for the checks that run once the test is over (the accounts' password
never in one); empty databases for the migrations; the project's logs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from services.throttle import Clock
from settings import SecondFactor, Settings
from tests.accounts import PASSWORD
from tests.databases import KINDS, POSTGRES_ENV, empty_database, postgres_base_url
from tests.integration.problems import assert_never_echoed
from tests.integration.project_logs import ProjectLogs
from tests.live import LiveApp, LiveFactory, live_app


@pytest.fixture
def responses() -> list[httpx.Response]:
    return []


@pytest.fixture
def clock() -> Clock | None:
    """The real clock; a module whose tests move time overrides this with a FakeClock."""
    return None


@pytest.fixture
def app_with(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    engine: Engine,
    clock: Clock | None,
    responses: list[httpx.Response],
) -> LiveFactory:
    """Start the app, some settings changed (e.g. lower limits), when the test says."""

    def start(**changes: Any) -> AbstractAsyncContextManager[LiveApp]:
        changed = settings.model_copy(update=changes)
        return live_app(dev_env.client, changed, engine, clock, keep=responses)

    return start


@pytest.fixture
async def app(app_with: LiveFactory) -> AsyncIterator[LiveApp]:
    async with app_with() as live:
        yield live


@pytest.fixture
async def second_step_app(app_with: LiveFactory) -> AsyncIterator[LiveApp]:
    """The app asking a browser it does not recognise for the second step, as in production
    (the tests' settings turn the second step off for every other test)."""
    async with app_with(second_factor=SecondFactor.NEW_DEVICE) as live:
        yield live


@pytest.fixture
def account_password_never_echoed(responses: list[httpx.Response]) -> Iterator[None]:
    """For a module whose tests sign in with the accounts' password (its `pytestmark`): no
    response of the test holds it."""
    yield
    assert_never_echoed(responses, PASSWORD)


@pytest.fixture(params=KINDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each kind with nothing in it, where the migrations start from."""
    if request.param == "postgresql" and postgres_base_url() is None:
        pytest.skip(f"PostgreSQL: {POSTGRES_ENV} is not set")
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def project_logs(caplog: pytest.LogCaptureFixture) -> ProjectLogs:
    return ProjectLogs(caplog)
