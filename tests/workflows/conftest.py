"""The services the workflow tests drive, over one real worker on the test's own time-skipping
server (`time_env`), and the subscriber and the letters they deal with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from services.adhesions import AdhesionService
from services.enrollments import EnrollmentService
from settings import Settings
from storage.tables import Subscriber
from tests.accounts import AccountServices, account_services, make_subscriber
from tests.letters import letter_folder
from tests.support import unique_email
from tests.workflow_env import Awaiting, Backstage, awaiting_activation


@pytest.fixture
async def services(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[AccountServices]:
    """The services the API uses, over one real worker that runs every workflow."""
    async with account_services(time_env, settings, engine) as built:
        yield built


@pytest.fixture
def enrollments(services: AccountServices) -> EnrollmentService:
    return services.enrollments


@pytest.fixture
async def awaiting(enrollments: EnrollmentService, mail_sink: MailSink) -> Awaiting:
    """An enrollment of a new address, at its last step."""
    return await awaiting_activation(enrollments, mail_sink, unique_email())


@pytest.fixture
def adhesions(services: AccountServices) -> AdhesionService:
    """Letters to the `backstage` folder."""
    return services.adhesions


@pytest.fixture
def subscriber(engine: Engine, settings: Settings) -> Subscriber:
    """A subscriber straight in the database (the enrollment is tested elsewhere), with
    tests.accounts' PASSWORD and ANSWER."""
    return make_subscriber(engine, settings, unique_email("abonne"))


@pytest.fixture
def backstage(time_env: WorkflowEnvironment, settings: Settings, engine: Engine) -> Backstage:
    """What the adhésion tests watch: the letters, the rows, the workflows and their clock."""
    return Backstage(time_env, letter_folder(settings), engine)
