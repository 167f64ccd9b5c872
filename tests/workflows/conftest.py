"""The services the workflow tests drive, each over a real worker on the test's own
time-skipping server (`time_env`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from services.adhesions import AdhesionService
from services.enrollments import EnrollmentService
from settings import Settings
from storage.tables import Subscriber
from tests.accounts import AccountServices, account_services, make_subscriber
from tests.letters import adhesion_service, letter_folder
from tests.live import enrollment_service
from tests.support import unique_email
from tests.workflow_env import Backstage


@pytest.fixture
async def services(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[AccountServices]:
    """The account's services (password reset, e-mail change, notices)."""
    async with account_services(time_env, settings, engine) as built:
        yield built


@pytest.fixture
async def enrollments(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[EnrollmentService]:
    async with enrollment_service(time_env, settings, engine) as service:
        yield service


@pytest.fixture
def subscriber(engine: Engine, settings: Settings) -> Subscriber:
    """A subscriber straight in the database (the enrollment is tested elsewhere), with
    tests.accounts' PASSWORD and ANSWER."""
    return make_subscriber(engine, settings, unique_email("abonne"))


@pytest.fixture
async def adhesions(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[AdhesionService]:
    """The adhésion service (letters to the `backstage` folder)."""
    async with adhesion_service(time_env, settings, engine) as service:
        yield service


@pytest.fixture
def backstage(time_env: WorkflowEnvironment, settings: Settings, engine: Engine) -> Backstage:
    return Backstage(time_env, letter_folder(settings), engine)
