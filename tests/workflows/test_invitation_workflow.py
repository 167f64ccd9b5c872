"""Invitations (SPEC §8) in Temporal's time-skipping server: the enrollment workflow started in
state `invited` by a service, ended by the person. Driven through the service the API and the
pages use, with real activities (SMTP sink, SQLite) and a real service client row."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session
from standardwebhooks import Webhook
from temporalio.testing import WorkflowEnvironment

from activities.webhook_dispatch import WebhookDispatch
from devstack.mail_sink import MailSink, text_of
from domain.errors import InvalidFields
from domain.models import ContactForm, InvitationStatus
from domain.problems import ProblemCode
from domain.webhooks import EventType, UrlPolicy
from orchestration.search_attributes import ENROLLMENT_STATUS, SERVICE_CLIENT
from security.keyed_hash import KeyedHasher
from security.passwords import SecretHasher
from security.secret_box import SecretBox
from services.enrollments import EnrollmentService
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts
from services.invitations import InvitationService
from services.webhook_endpoints import WebhookEndpoints
from settings import Settings
from storage.invitations import InvitationRepository, new_invitation_id
from storage.subscribers import SubscriberRepository
from storage.tables import Invitation
from storage.webhooks import WebhookRepository
from tests.accounts import AccountServices
from tests.invitations import (
    PERSON_PASSWORD,
    ServiceClientKey,
    acceptance_form,
    invitation_code,
    invitation_form,
    invitation_mail,
    invitation_service,
    invited,
    service_client,
)
from tests.support import code_from, unique_email
from tests.webhook_receiver import Receiver, receiving
from tests.workflow_env import awaiting_activation, pre_register, wrong_code
from workflows.enrollment import EnrollmentWorkflow


@pytest.fixture
def invitations(services: AccountServices, settings: Settings, engine: Engine) -> InvitationService:
    return invitation_service(services, settings, engine)


@pytest.fixture
def client(engine: Engine, settings: Settings) -> ServiceClientKey:
    return service_client(engine, settings, name="Logiciel Compta Plus")


def _row(engine: Engine, invitation_id: str) -> Invitation:
    with Session(engine) as session:
        row = session.get(Invitation, invitation_id)
    assert row is not None
    return row


async def _outcome(env: WorkflowEnvironment, invitations: InvitationService, email: str) -> str:
    handle = env.client.get_workflow_handle_for(
        EnrollmentWorkflow.run, invitations._keyed.workflow_id(email)
    )
    return (await handle.result()).status.value


async def test_an_invitation_is_accepted_with_its_code_and_creates_the_space(
    invitations: InvitationService,
    client: ServiceClientKey,
    mail_sink: MailSink,
    engine: Engine,
    settings: Settings,
    time_env: WorkflowEnvironment,
) -> None:
    email = unique_email("invite")
    made = await invitations.invite(client.caller, invitation_form(email, "crm-42"))
    assert made.created and made.info.status is InvitationStatus.INVITED
    assert made.info.expires_at is not None

    message = await invitation_mail(mail_sink, email)
    text = text_of(message)
    assert "Logiciel Compta Plus" in text  # names the service that invited
    assert "http" not in text.lower() and "www." not in text.lower()
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    assert "(heure de Paris)" in text  # the deadline as a date and time
    code = code_from(message)

    # Ops find the client's invitations in the Temporal UI.
    handle = time_env.client.get_workflow_handle(invitations._keyed.workflow_id(email))
    attributes = (await handle.describe()).typed_search_attributes
    assert attributes.get(SERVICE_CLIENT) == client.caller.client_id
    assert attributes.get(ENROLLMENT_STATUS) == "invited"

    corrected = ContactForm(phone="06 12 34 56 78", city="Lyon", postal_code="69001")
    activated = await invitations.accept(
        email.upper(), code, acceptance_form(contact=corrected.model_dump())
    )

    stored = SubscriberRepository(engine).by_email(email)
    assert stored is not None and stored.subscriber_number == activated.subscriber_number
    assert stored.city == "Lyon" and stored.phone == "+33612345678"
    assert stored.trust_question == "nickname" and stored.last_name == "Rosemonde"
    assert await SecretHasher(settings).verify(stored.password_hash, PERSON_PASSWORD)
    assert await _outcome(time_env, invitations, email) == "activated"
    assert SubscriberRepository(engine).recap(activated.subscriber_id) is not None
    row = _row(engine, made.info.invitation_id)
    assert row.status == "activated" and row.subscriber_number == activated.subscriber_number
    got = await invitations.get(client.caller, made.info.invitation_id)
    assert got.status is InvitationStatus.ACTIVATED and got.activated_at is not None


async def test_the_invitation_expires_after_48_hours_and_is_deleted(
    invitations: InvitationService,
    enrollments: EnrollmentService,
    client: ServiceClientKey,
    mail_sink: MailSink,
    engine: Engine,
    time_env: WorkflowEnvironment,
) -> None:
    email = unique_email("invite")
    invitation_id, code = await invited(invitations, client, mail_sink, email)

    await time_env.sleep(timedelta(hours=47, minutes=59))
    assert (await invitations.get(client.caller, invitation_id)).status is InvitationStatus.INVITED
    await time_env.sleep(timedelta(minutes=2))

    assert await _outcome(time_env, invitations, email) == "expired"
    with pytest.raises(Expired):
        await invitations.accept(email, code, acceptance_form())
    row = _row(engine, invitation_id)
    assert row.status == "expired" and row.ended_at is not None
    # The draft is gone: the same identifier may enroll (or be invited) again.
    again = await awaiting_activation(enrollments, mail_sink, email)
    assert (await enrollments.activate(email, again.code)).subscriber_number


async def test_five_wrong_codes_void_it_and_a_resend_voids_the_previous_code(
    invitations: InvitationService,
    enrollments: EnrollmentService,
    client: ServiceClientKey,
    mail_sink: MailSink,
) -> None:
    email = unique_email("invite")
    _, code = await invited(invitations, client, mail_sink, email)
    for _ in range(5):
        with pytest.raises(InvalidCode):
            await invitations.accept(email, wrong_code(code), acceptance_form())
    with pytest.raises(TooManyAttempts):
        await invitations.accept(email, code, acceptance_form())

    await enrollments.resend(email)  # « Recevoir un nouveau code » serves invitations too
    new_code = await invitation_code(mail_sink, email, 2)
    assert new_code != code
    with pytest.raises(InvalidCode):
        await invitations.accept(email, code, acceptance_form())
    assert (await invitations.accept(email, new_code, acceptance_form())).subscriber_number


async def test_invalid_fields_are_judged_first_and_spend_no_try(
    invitations: InvitationService, client: ServiceClientKey, mail_sink: MailSink
) -> None:
    email = unique_email("invite")
    _, code = await invited(invitations, client, mail_sink, email)
    for _ in range(6):
        with pytest.raises(InvalidFields) as refused:
            await invitations.accept(
                email,
                wrong_code(code),
                acceptance_form(terms_accepted=False, password="court", trust={"question": "?"}),
            )
    fields = {error.field for error in refused.value.errors}
    assert fields == {
        "terms_accepted",
        "password",
        "password_confirmation",
        "trust.question",
        "trust.answer",
    }
    assert (await invitations.accept(email, code, acceptance_form())).subscriber_number


async def test_a_withdrawn_invitation_is_over(
    invitations: InvitationService,
    client: ServiceClientKey,
    mail_sink: MailSink,
    engine: Engine,
    time_env: WorkflowEnvironment,
) -> None:
    email = unique_email("invite")
    invitation_id, code = await invited(invitations, client, mail_sink, email)

    await invitations.withdraw(client.caller, invitation_id)

    assert await _outcome(time_env, invitations, email) == "withdrawn"
    with pytest.raises(InvalidCode):
        await invitations.accept(email, code, acceptance_form())
    with pytest.raises(Conflict) as closed:
        await invitations.withdraw(client.caller, invitation_id)
    assert closed.value.code is ProblemCode.INVITATION_CLOSED
    assert _row(engine, invitation_id).status == "withdrawn"
    assert SubscriberRepository(engine).by_email(email) is None


async def test_an_invitation_and_a_public_enrollment_exclude_each_other(
    invitations: InvitationService,
    enrollments: EnrollmentService,
    client: ServiceClientKey,
    mail_sink: MailSink,
    engine: Engine,
) -> None:
    invited_email = unique_email("invite")
    await invited(invitations, client, mail_sink, invited_email)
    with pytest.raises(Conflict) as pending:
        await pre_register(enrollments, invited_email)
    assert pending.value.code is ProblemCode.ACTIVATION_PENDING

    drafting = unique_email("brouillon")
    await pre_register(enrollments, drafting)  # an unconfirmed draft is pending too
    with pytest.raises(Conflict) as pending:
        await invitations.invite(client.caller, invitation_form(drafting, "crm-draft"))
    assert pending.value.code is ProblemCode.ACTIVATION_PENDING
    # Nothing half-made: the refused reference is free, and no row was kept.
    assert InvitationRepository(engine).by_reference(client.caller.client_id, "crm-draft") is None

    subscribed = await awaiting_activation(enrollments, mail_sink, unique_email("abonne"))
    await enrollments.activate(subscribed.email, subscribed.code)
    with pytest.raises(Conflict) as taken:
        await invitations.invite(client.caller, invitation_form(subscribed.email, "crm-sub"))
    assert taken.value.code is ProblemCode.ALREADY_SUBSCRIBED


async def test_the_same_reference_answers_with_the_invitation_made(
    invitations: InvitationService,
    client: ServiceClientKey,
    mail_sink: MailSink,
    engine: Engine,
    settings: Settings,
) -> None:
    email = unique_email("invite")
    first = await invitations.invite(client.caller, invitation_form(email, "crm-7"))
    again = await invitations.invite(client.caller, invitation_form(email, "crm-7"))

    assert not again.created and again.info.invitation_id == first.info.invitation_id
    await invitation_mail(mail_sink, email)
    assert mail_sink.count_to(email) == 1  # one invitation, one e-mail

    # Another service sees none of it, even with the same reference.
    other = service_client(engine, settings, name="Autre service")
    with pytest.raises(NotFound):
        await invitations.get(other.caller, first.info.invitation_id)
    with pytest.raises(NotFound):
        await invitations.withdraw(other.caller, first.info.invitation_id)
    assert await invitations.find(other.caller, "crm-7") == []
    assert [i.invitation_id for i in await invitations.find(client.caller, "crm-7")] == [
        first.info.invitation_id
    ]


async def test_the_pages_open_fill_and_confirm_an_invitation(
    invitations: InvitationService, client: ServiceClientKey, mail_sink: MailSink, engine: Engine
) -> None:
    email = unique_email("invite")
    _, code = await invited(invitations, client, mail_sink, email)
    with pytest.raises(InvalidCode):
        await invitations.open(email, wrong_code(code))
    key = await invitations.open(email, code)

    view = await invitations.view(key)
    assert view.client_name == "Logiciel Compta Plus" and view.email == email
    assert view.details is not None and view.details.last_name == "Rosemonde"
    with pytest.raises(Conflict) as early:  # the terms and secrets come first
        await invitations.confirm(key, ContactForm(**view.details.contact.model_dump()))
    assert early.value.code is ProblemCode.DETAILS_MISSING

    await invitations.accept_terms(key)
    with pytest.raises(InvalidFields):
        await invitations.give_secrets(key, acceptance_form(password_confirmation="Autre2026ab"))
    filled = await invitations.give_secrets(key, acceptance_form())
    assert filled.terms_accepted and filled.secrets_given
    with pytest.raises(InvalidFields):
        await invitations.confirm(key, ContactForm(phone="12", city=""))
    activated = await invitations.confirm(key, ContactForm(phone="0123456789", city="Paris"))

    assert activated.email == email
    assert SubscriberRepository(engine).by_email(email) is not None
    # The code was used to open the invitation: it cannot serve a second time.
    with pytest.raises(InvalidCode):
        await invitations.accept(email, code, acceptance_form())


async def test_the_service_learns_each_end_by_signed_webhooks(
    invitations: InvitationService,
    client: ServiceClientKey,
    mail_sink: MailSink,
    engine: Engine,
    settings: Settings,
    time_env: WorkflowEnvironment,
) -> None:
    """enrollment.invited, then .activated / .withdrawn / .expired, each signed (verified with
    standardwebhooks), one invitation's events in order, no name, address or secret."""
    endpoints = WebhookEndpoints(
        WebhookRepository(engine),
        SecretBox.from_settings(settings),
        WebhookDispatch(time_env.client, settings, KeyedHasher(settings.identifier_hash_key)),
        UrlPolicy(allow_local=True),
    )
    async with receiving(Receiver(time_env.get_current_time)) as receiver:
        registered = await endpoints.register(
            client.caller.client_id, receiver.url, list(EventType)
        )
        people = {end: unique_email(f"webhook-{end}") for end in ("accept", "withdraw", "lapse")}
        made = {}
        for end, email in people.items():
            made[end] = (await invitations.invite(client.caller, invitation_form(email, end))).info
        accepted = await invitations.accept(
            people["accept"], await invitation_code(mail_sink, people["accept"]), acceptance_form()
        )
        await invitations.withdraw(client.caller, made["withdraw"].invitation_id)
        await time_env.sleep(timedelta(hours=49))

        async with asyncio.timeout(30):
            while len(receiver.received) < 6:
                receiver.arrived.clear()
                await receiver.arrived.wait()

    verifier = Webhook(registered.secret)
    events: dict[str, list[dict[str, Any]]] = {}
    for got in receiver.received:
        event = verifier.verify(got.body, got.headers)
        events.setdefault(event["data"]["invitation_id"], []).append(event)
        text = got.body.decode()
        for person in people.values():
            assert person not in text
        assert "Rosemonde" not in text and "Lila" not in text and "Compta" not in text
    assert [e["type"] for e in events[made["accept"].invitation_id]] == [
        "enrollment.invited",
        "enrollment.activated",
    ]
    activated = events[made["accept"].invitation_id][1]["data"]
    assert activated["external_reference"] == "accept" and activated["status"] == "activated"
    assert activated["subscriber_number"] == accepted.subscriber_number
    assert activated["activated_at"].endswith("Z")
    assert [e["type"] for e in events[made["withdraw"].invitation_id]] == [
        "enrollment.invited",
        "enrollment.withdrawn",
    ]
    assert [e["type"] for e in events[made["lapse"].invitation_id]] == [
        "enrollment.invited",
        "enrollment.expired",
    ]
    invited_data = events[made["lapse"].invitation_id][0]["data"]
    assert set(invited_data) == {"invitation_id", "external_reference", "status", "expires_at"}


async def test_a_row_left_without_its_enrollment_frees_its_reference(
    invitations: InvitationService, client: ServiceClientKey, mail_sink: MailSink, engine: Engine
) -> None:
    """The API process died between the row and the workflow: a retry with the same reference
    starts the invitation instead of answering with one that was never sent."""
    email = unique_email("invite")
    stale = Invitation(
        id=new_invitation_id(),
        client_id=client.caller.client_id,
        external_reference="crm-orphan",
        workflow_id=invitations._keyed.workflow_id(email),
        status="invited",
        created_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    InvitationRepository(engine).reserve(stale)

    made = await invitations.invite(client.caller, invitation_form(email, "crm-orphan"))

    assert made.created and made.info.invitation_id != stale.id
    assert await invitation_code(mail_sink, email)
    with Session(engine) as session:
        assert session.get(Invitation, stale.id) is None
