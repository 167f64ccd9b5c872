"""The history privacy test, extended to the processes of SPEC §6: a password reset, an e-mail
change and the notices they start. Their raw histories (read without the codec) hold no address,
no password, no trust answer and no code in clear; every payload is encrypted; workflow IDs are
keyed hashes or random."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.account_forms import EmailChangeCodeForm, EmailChangeForm, PasswordResetForm
from domain.rules import normalise_trust_answer
from mail.notifications import Change
from orchestration.codec import ENCODING
from security.passwords import SecretHasher
from services.errors import InvalidCode, InvalidReset
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.accounts import AccountServices, account_services
from tests.privacy import leaks, payloads_in
from tests.support import code_from, distinctive, new_subscriber, typed_details, unique_email
from tests.workflows.test_history_privacy import raw_history
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

    def create(self, engine: Engine, settings: Settings) -> int:
        hasher = SecretHasher(settings)
        subscriber = SubscriberRepository(engine).create_once(
            new_subscriber(
                self.email,
                of=typed_details(last_name=self.last_name),
                password_hash=hasher.hash_sync(self.password),
                answer_hash=hasher.hash_sync(normalise_trust_answer(self.trust_answer)),
                terms_version=settings.terms_version,
            )
        )
        assert subscriber.id is not None
        return subscriber.id


@pytest.fixture
async def services(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[AccountServices]:
    async with account_services(time_env, settings, engine) as built:
        yield built


async def assert_nothing_in_clear(
    env: WorkflowEnvironment, workflow_id: str, secrets: list[str]
) -> WorkflowHistory:
    history = await raw_history(env, workflow_id)
    assert len(history.events) > 3
    assert leaks(history, secrets) == []
    checked = 0
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            continue
        if (
            event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
            and event.marker_recorded_event_attributes.marker_name == "core_patch"
        ):
            continue
        for payload in payloads_in(event):
            assert payload.metadata["encoding"] == ENCODING, event
            checked += 1
    assert checked > 1
    for secret in secrets:
        assert secret.lower() not in workflow_id.lower()
    return history


def child_notice_id(history: WorkflowHistory) -> str:
    [started] = [
        e.child_workflow_execution_started_event_attributes.workflow_execution.workflow_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED
    ]
    assert started.startswith(NOTICE_PREFIX)
    return started


async def test_password_reset_leaves_nothing_in_clear(
    services: AccountServices,
    mail_sink: MailSink,
    settings: Settings,
    engine: Engine,
    time_env: WorkflowEnvironment,
) -> None:
    holder = Holder.new()
    holder.create(engine, settings)
    await services.resets.request(holder.email)
    code = code_from(await mail_sink.message_to(holder.email))
    form = PasswordResetForm(
        email=holder.email,
        code=code,
        trust_answer=holder.trust_answer,
        new_password=holder.new_password,
        new_password_confirmation=holder.new_password,
    )
    with pytest.raises(InvalidReset):
        await services.resets.complete(form.model_copy(update={"trust_answer": "fausse"}))
    await services.resets.complete(form)
    workflow_id = services.resets.workflow_id(holder.email)
    await time_env.client.get_workflow_handle(workflow_id).result()

    history = await assert_nothing_in_clear(
        time_env, workflow_id, [*holder.values(), code, "fausse"]
    )
    notice_id = child_notice_id(history)
    await time_env.client.get_workflow_handle(notice_id).result()
    await assert_nothing_in_clear(time_env, notice_id, [*holder.values(), code])


async def test_email_change_leaves_nothing_in_clear(
    services: AccountServices,
    mail_sink: MailSink,
    settings: Settings,
    engine: Engine,
    time_env: WorkflowEnvironment,
) -> None:
    holder = Holder.new()
    subscriber_id = holder.create(engine, settings)
    token = services.subscribers.open_session(subscriber_id).access_token
    me = services.subscribers.authenticate_session(token)
    await services.changes.request(
        me,
        EmailChangeForm(
            password=holder.password,
            trust_answer=holder.trust_answer,
            new_email=holder.new_email,
            new_email_confirmation=holder.new_email,
        ),
    )
    code = code_from(await mail_sink.message_to(holder.new_email))
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    with pytest.raises(InvalidCode):
        await services.changes.confirm(me, EmailChangeCodeForm(code=wrong))
    await services.changes.confirm(me, EmailChangeCodeForm(code=code))
    workflow_id = services.changes.workflow_id(me.subscriber)
    await time_env.client.get_workflow_handle(workflow_id).result()

    history = await assert_nothing_in_clear(
        time_env, workflow_id, [*holder.values(), code, wrong, me.subscriber.subscriber_number]
    )
    notice_id = child_notice_id(history)
    await time_env.client.get_workflow_handle(notice_id).result()
    await assert_nothing_in_clear(time_env, notice_id, holder.values())


async def test_a_notice_started_by_the_api_leaves_nothing_in_clear(
    services: AccountServices, mail_sink: MailSink, time_env: WorkflowEnvironment
) -> None:
    holder = Holder.new()
    notifier = services.account._notifier
    workflow_id = await notifier.notify(holder.email, Change.CONTACT_CHANGED, datetime.now(UTC))
    await time_env.client.get_workflow_handle(workflow_id).result()
    await mail_sink.message_to(holder.email)
    await assert_nothing_in_clear(time_env, workflow_id, holder.values())
