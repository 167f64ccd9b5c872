"""An invitation leaves no personal datum or secret in clear in Temporal (SPEC §8): the raw
history, read with a client that has no codec, after an invitation accepted in one call (with a
wrong code first) and after one completed screen by screen, holds none of the person's values,
the code, the password, the trust answer or the browser's key."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import ContactForm, InvitationForm
from orchestration.search_attributes import SERVICE_CLIENT
from services.invitations import InvitationService
from settings import Settings
from tests.accounts import AccountServices
from tests.invitations import (
    acceptance_form,
    invitation_body,
    invitation_code,
    invitation_service,
    service_client,
)
from tests.workflow_env import wrong_code
from tests.workflows.test_history_privacy import Person, assert_enrollment_hidden


@pytest.fixture
def invitations(services: AccountServices, settings: Settings, engine: Engine) -> InvitationService:
    return invitation_service(services, settings, engine)


def _invitation(person: Person, reference: str) -> InvitationForm:
    body = invitation_body(
        person.email, reference, last_name=person.last_name, first_name=person.first_name
    )
    body["contact"]["phone"] = person.phone
    body["company"]["identifier"] = person.siren_spaced
    return InvitationForm(**body)


def _acceptance(person: Person) -> dict[str, object]:
    return {
        "password": person.password,
        "password_confirmation": person.password,
        "trust": {"question": "nickname", "answer": person.trust_answer},
    }


async def _hidden(env: WorkflowEnvironment, workflow_id: str, secrets: list[str]) -> None:
    await env.client.get_workflow_handle(workflow_id).result()
    await assert_enrollment_hidden(env, workflow_id, secrets, in_clear="invited")


async def test_an_invitation_accepted_in_one_call_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment,
    invitations: InvitationService,
    mail_sink: MailSink,
    engine: Engine,
    settings: Settings,
) -> None:
    person = Person.new()
    client = service_client(engine, settings, name="Service Confidentiel")
    await invitations.invite(client.caller, _invitation(person, "crm-privacy-1"))
    code = await invitation_code(mail_sink, person.email)
    wrong = wrong_code(code)
    with pytest.raises(Exception):  # noqa: B017 - any refusal: the attempt is what matters
        await invitations.accept(person.email, wrong, acceptance_form(**_acceptance(person)))
    await invitations.accept(person.email, code, acceptance_form(**_acceptance(person)))
    workflow_id = invitations._keyed.workflow_id(person.email)

    await _hidden(time_env, workflow_id, [*person.values(), code, wrong])
    # The client's opaque ID is shown to ops, as the search attribute says; never its name.
    described = await time_env.client.get_workflow_handle(workflow_id).describe()
    assert described.typed_search_attributes.get(SERVICE_CLIENT) == client.caller.client_id
    assert "Confidentiel" not in str(described.typed_search_attributes)


async def test_an_invitation_completed_screen_by_screen_leaves_nothing_in_clear(
    time_env: WorkflowEnvironment,
    invitations: InvitationService,
    mail_sink: MailSink,
    engine: Engine,
    settings: Settings,
) -> None:
    person = Person.new()
    client = service_client(engine, settings)
    await invitations.invite(client.caller, _invitation(person, "crm-privacy-2"))
    code = await invitation_code(mail_sink, person.email)
    key = await invitations.open(person.email, code)
    await invitations.accept_terms(key)
    await invitations.give_secrets(key, acceptance_form(**_acceptance(person)))
    await invitations.confirm(key, ContactForm(phone=person.phone, city="Paris"))
    workflow_id = invitations._keyed.workflow_id(person.email)

    await _hidden(time_env, workflow_id, [*person.values(), code, key.split(".")[1]])
