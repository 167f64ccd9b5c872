"""The history privacy test, extended to the processes of SPEC §6: a password reset, an e-mail
change and the notices they start. Their raw histories (read without the codec) hold no address,
no password, no trust answer and no code in clear; every payload is encrypted; workflow IDs are
keyed hashes or random."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.account_forms import EmailChangeCodeForm
from domain.changes import Change
from security.passwords import SecretHasher
from services.errors import InvalidCode, InvalidReset
from settings import Settings
from storage.subscribers import SubscriberRepository
from storage.tables import Subscriber
from tests.accounts import AccountServices, change_form, reset_form
from tests.privacy import assert_nothing_in_clear
from tests.support import code_from, distinctive, new_subscriber, typed_details, unique_email
from tests.workflow_env import wrong_code
from workflows.notification_messages import WORKFLOW_ID_PREFIX as NOTICE_PREFIX


@dataclass
class Holder:
    """One subscriber's personal values and secrets, each distinctive enough to search for."""

    email: str
    new_email: str
    password: str
    new_password: str
    trust_answer: str
    last_name: str

    @classmethod
    def new(cls) -> Holder:
        return cls(
            email=unique_email(distinctive("ancienne")),
            new_email=unique_email(distinctive("nouvelle")),
            password="Pw" + distinctive("x", 10)[:10] + "42",
            new_password="Nw" + distinctive("y", 10)[:10] + "42",
            trust_answer=distinctive("Réponse ", 10),
            last_name=distinctive("Nom"),
        )

    def values(self) -> list[str]:
        return [
            self.email,
            self.email.split("@")[0],
            self.new_email,
            self.new_email.split("@")[0],
            self.password,
            self.new_password,
            self.trust_answer,
            self.last_name,
        ]

    def create(self, engine: Engine, settings: Settings) -> Subscriber:
        hasher = SecretHasher(settings)
        return SubscriberRepository(engine).create_once(
            new_subscriber(
                self.email,
                of=typed_details(last_name=self.last_name),
                password_hash=hasher.hash_sync(self.password),
                # Hashed as SPEC §2 compares it: « Réponse abc… » → « reponse abc… ».
                answer_hash=hasher.hash_sync(
                    "reponse " + self.trust_answer.removeprefix("Réponse ")
                ),
                terms_version=settings.terms_version,
            )
        )


async def assert_over_and_hidden(
    env: WorkflowEnvironment, workflow_id: str, secrets: list[str]
) -> WorkflowHistory:
    """The process has ended, and its raw history holds none of the secrets."""
    await env.client.get_workflow_handle(workflow_id).result()
    return await assert_nothing_in_clear(env, workflow_id, secrets, events=3, payloads=1)


async def assert_it_and_its_notice_hidden(
    env: WorkflowEnvironment, workflow_id: str, secrets: list[str], notice_secrets: list[str]
) -> None:
    """A process that ends with a notice to the subscriber: neither history holds a secret."""
    history = await assert_over_and_hidden(env, workflow_id, secrets)
    await assert_over_and_hidden(env, child_notice_id(history), notice_secrets)


def child_notice_id(history: WorkflowHistory) -> str:
    [started] = [
        e.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
    ]
    assert started.startswith(NOTICE_PREFIX)
    return started


async def test_password_reset_leaves_nothing_in_clear(
    services: AccountServices, mail_sink: MailSink, settings: Settings, engine: Engine
) -> None:
    holder = Holder.new()
    holder.create(engine, settings)
    await services.resets.request(holder.email)
    code = code_from(await mail_sink.message_to(holder.email))
    form = reset_form(
        holder.email, code, answer=holder.trust_answer, new_password=holder.new_password
    )
    with pytest.raises(InvalidReset):
        await services.resets.complete(form.model_copy(update={"trust_answer": "fausse"}))
    await services.resets.complete(form)

    await assert_it_and_its_notice_hidden(
        services.env,
        services.resets.workflow_id(holder.email),
        [*holder.values(), code, "fausse"],
        [*holder.values(), code],
    )


async def test_email_change_leaves_nothing_in_clear(
    services: AccountServices, mail_sink: MailSink, settings: Settings, engine: Engine
) -> None:
    holder = Holder.new()
    me = services.signed_in(holder.create(engine, settings))
    form = change_form(holder.new_email, answer=holder.trust_answer, password=holder.password)
    await services.changes.request(me, form)
    code = code_from(await mail_sink.message_to(holder.new_email))
    wrong = wrong_code(code)
    with pytest.raises(InvalidCode):
        await services.changes.confirm(me, EmailChangeCodeForm(code=wrong))
    await services.changes.confirm(me, EmailChangeCodeForm(code=code))

    await assert_it_and_its_notice_hidden(
        services.env,
        services.changes.workflow_id(me.subscriber),
        [*holder.values(), code, wrong, me.subscriber.subscriber_number],
        holder.values(),
    )


async def test_a_notice_started_by_the_api_leaves_nothing_in_clear(
    services: AccountServices, mail_sink: MailSink
) -> None:
    holder = Holder.new()
    notifier = services.account._notifier
    workflow_id = await notifier.notify(holder.email, Change.CONTACT_CHANGED, datetime.now(UTC))
    await mail_sink.message_to(holder.email)
    await assert_over_and_hidden(services.env, workflow_id, holder.values())
