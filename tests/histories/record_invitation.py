"""Record the invited path of the enrollment workflow (SPEC §8):
`uv run python -m tests.histories.record_invitation`.

Each scenario runs in Temporal's time-skipping server with the real worker, a real SMTP server, a
throw-away SQLite database and a service client registered in it, then writes
`invitation_<scenario>.json` beside this file, replayed by tests/workflows/test_replay.py.
Record again (keeping the old files while such runs may still be open) whenever the invited path
changes on purpose.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import ContactForm
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from services.errors import InvalidCode
from services.invitations import InvitationService
from storage.invitations import InvitationRepository
from tests.histories.recording import record_all, recording
from tests.invitations import (
    ServiceClientKey,
    acceptance_form,
    invitation_code,
    invitation_form,
    service_client,
)

EMAIL = "replay.invite@exemple.fr"  # fictitious
Scenario = Callable[
    [InvitationService, EnrollmentService, ServiceClientKey, MailSink, WorkflowEnvironment],
    Awaitable[None],
]


async def accepted(
    service: InvitationService,
    _: EnrollmentService,
    client: ServiceClientKey,
    sink: MailSink,
    __: WorkflowEnvironment,
) -> None:
    """An invitation, a wrong code, then the right one with the person's answers (one call)."""
    await service.invite(client.caller, invitation_form(EMAIL, "crm-replay-1"))
    code = await invitation_code(sink, EMAIL)
    with contextlib.suppress(InvalidCode):  # refused, as it should be
        await service.accept(EMAIL, code[::-1], acceptance_form())
    await service.accept(EMAIL, code, acceptance_form())


async def opened(
    service: InvitationService,
    _: EnrollmentService,
    client: ServiceClientKey,
    sink: MailSink,
    __: WorkflowEnvironment,
) -> None:
    """The pages: the code opens it, terms, secrets, a corrected contact, confirm."""
    await service.invite(client.caller, invitation_form(EMAIL, "crm-replay-2"))
    key = await service.open(EMAIL, await invitation_code(sink, EMAIL))
    await service.accept_terms(key)
    await service.give_secrets(key, acceptance_form())
    await service.confirm(key, ContactForm(phone="0612345678", city="Lyon", postal_code="69001"))


async def expired(
    service: InvitationService,
    enrollments: EnrollmentService,
    client: ServiceClientKey,
    sink: MailSink,
    env: WorkflowEnvironment,
) -> None:
    """An invitation, a resend, then the 48 hours pass: it is deleted."""
    await service.invite(client.caller, invitation_form(EMAIL, "crm-replay-3"))
    await invitation_code(sink, EMAIL)
    await enrollments.resend(EMAIL)
    await invitation_code(sink, EMAIL, 2)
    await env.sleep(timedelta(hours=49))


async def withdrawn(
    service: InvitationService,
    _: EnrollmentService,
    client: ServiceClientKey,
    sink: MailSink,
    __: WorkflowEnvironment,
) -> None:
    """An invitation its service takes back."""
    made = await service.invite(client.caller, invitation_form(EMAIL, "crm-replay-4"))
    await invitation_code(sink, EMAIL)
    await service.withdraw(client.caller, made.info.invitation_id)


SCENARIOS: dict[str, Scenario] = {
    "invitation_accepted": accepted,
    "invitation_opened": opened,
    "invitation_expired": expired,
    "invitation_withdrawn": withdrawn,
}


async def record(name: str, scenario: Scenario, directory: Path) -> Path:
    async with recording(name, directory) as on:
        invitations = InvitationService(
            on.env.client,
            on.settings,
            on.services.repository,
            InvitationRepository(on.engine),
            SecretHasher(on.settings),
            on.services.keyed,
        )
        client = service_client(on.engine, on.settings, name="Service de démonstration")
        await scenario(invitations, on.services.enrollments, client, on.sink, on.env)
        return await on.keep(on.services.keyed.workflow_id(EMAIL))


if __name__ == "__main__":
    record_all(SCENARIOS, record)
