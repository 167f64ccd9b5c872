"""The second step at sign-in by e-mail (SPEC §9) in Temporal's time-skipping server: the 10
minutes pass in milliseconds. Driven through the service the API uses (app.build_state), with
real activities: mail to a real SMTP server, subscribers in a real database. Its raw history
holds no address, no code and no password in clear."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine

from app import build_state
from devstack.mail_sink import MailSink, text_of
from http_common.state import AppState
from services.errors import Expired, InvalidCode, TooManyAttempts
from services.second_step import ChallengeIssued, Method, Proof
from settings import SecondFactor, Settings
from storage.tables import Subscriber
from tests.accounts import PASSWORD, AccountServices, plain
from tests.privacy import assert_nothing_in_clear, payloads_in
from workflows.sign_in_code import SignInCodeWorkflow
from workflows.sign_in_code_messages import SignInCodeStatus

SIX_DIGITS = re.compile(r"^(\d{6})\s*$", re.MULTILINE)


@pytest.fixture
async def state(
    services: AccountServices, settings: Settings, engine: Engine
) -> AsyncIterator[AppState]:
    """The API's services on the time-skipping server, beside the `services` fixture's worker."""
    changed = settings.model_copy(update={"second_factor": SecondFactor.NEW_DEVICE})
    yield build_state(changed, services.env.client, engine)


async def challenged(state: AppState, subscriber: Subscriber) -> ChallengeIssued:
    asked = await state.second_step.sign_in(subscriber.email, PASSWORD, user_agent="Test/1.0")
    assert isinstance(asked, ChallengeIssued)
    assert asked.method is Method.EMAIL
    return asked


async def code_mail(sink: MailSink, email: str, before: int) -> EmailMessage:
    message = await sink.message_to(email, before + 1)
    assert "code de vérification" in str(message["Subject"])
    return message


def code_in(message: EmailMessage) -> str:
    match = SIX_DIGITS.search(text_of(message))
    assert match
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_a_code_of_six_digits_valid_ten_minutes_opens_the_session(
    state: AppState, services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    before = mail_sink.count_to(subscriber.email)
    asked = await challenged(state, subscriber)
    message = await code_mail(mail_sink, subscriber.email, before)
    text = plain(text_of(message))
    assert "10 minutes" in text and "http" not in text.lower()
    code = code_in(message)
    handle = services.env.client.get_workflow_handle_for(
        SignInCodeWorkflow.run, state.second_step.workflow_id(subscriber)
    )

    await services.env.sleep(timedelta(minutes=9, seconds=50))
    with pytest.raises(InvalidCode):  # still pending: a wrong code is a wrong try
        await state.second_step.complete(asked.challenge_id, Proof(code=wrong(code)))
    session = await state.second_step.complete(asked.challenge_id, Proof(code=code))

    assert session.device_token
    assert services.subscribers.authenticate(session.access_token).id == subscriber.id
    assert (await handle.result()).status is SignInCodeStatus.PASSED


async def test_the_code_expires_after_ten_minutes(
    state: AppState, services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    before = mail_sink.count_to(subscriber.email)
    asked = await challenged(state, subscriber)
    code = code_in(await code_mail(mail_sink, subscriber.email, before))
    handle = services.env.client.get_workflow_handle_for(
        SignInCodeWorkflow.run, state.second_step.workflow_id(subscriber)
    )

    await services.env.sleep(timedelta(minutes=10, seconds=1))

    with pytest.raises(Expired):
        await state.second_step.complete(asked.challenge_id, Proof(code=code))
    assert (await handle.result()).status is SignInCodeStatus.EXPIRED
    # A new sign-in starts a new process, with a new code.
    again = await challenged(state, subscriber)
    fresh = code_in(await code_mail(mail_sink, subscriber.email, before + 1))
    assert (await state.second_step.complete(again.challenge_id, Proof(code=fresh))).access_token


async def test_five_wrong_tries_void_the_code(
    state: AppState, mail_sink: MailSink, subscriber: Subscriber, settings: Settings
) -> None:
    before = mail_sink.count_to(subscriber.email)
    asked = await challenged(state, subscriber)
    code = code_in(await code_mail(mail_sink, subscriber.email, before))

    for _ in range(5):
        with pytest.raises(InvalidCode):
            await state.second_step.complete(asked.challenge_id, Proof(code=wrong(code)))

    with pytest.raises(TooManyAttempts):
        await state.second_step.complete(asked.challenge_id, Proof(code=code))


async def test_a_new_code_voids_the_previous_one(
    state: AppState, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    before = mail_sink.count_to(subscriber.email)
    asked = await challenged(state, subscriber)
    first = code_in(await code_mail(mail_sink, subscriber.email, before))

    await state.second_step.resend(asked.challenge_id)
    second = code_in(await code_mail(mail_sink, subscriber.email, before + 1))

    if second != first:  # one chance in a million that both codes are the same
        with pytest.raises(InvalidCode):
            await state.second_step.complete(asked.challenge_id, Proof(code=first))
    assert await state.second_step.complete(asked.challenge_id, Proof(code=second))


async def test_the_raw_history_holds_no_address_no_code_no_password(
    state: AppState, services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    before = mail_sink.count_to(subscriber.email)
    asked = await challenged(state, subscriber)
    first = code_in(await code_mail(mail_sink, subscriber.email, before))
    with pytest.raises(InvalidCode):
        await state.second_step.complete(asked.challenge_id, Proof(code=wrong(first)))
    await state.second_step.resend(asked.challenge_id)
    second = code_in(await code_mail(mail_sink, subscriber.email, before + 1))
    await state.second_step.complete(asked.challenge_id, Proof(code=second))
    workflow_id = state.second_step.workflow_id(subscriber)
    await services.env.client.get_workflow_handle(workflow_id).result()

    history = await assert_nothing_in_clear(
        services.env,
        workflow_id,
        [
            subscriber.email,
            subscriber.email.split("@")[0],
            subscriber.subscriber_number,
            PASSWORD,
            asked.challenge_id,
        ],
        events=10,
        payloads=6,
    )
    # Six digits could match any number of the history's JSON by chance (a timestamp's
    # fraction): the codes are looked for where a workflow's data sits, in every payload.
    data = b"".join(p.data + p.SerializeToString() for e in history.events for p in payloads_in(e))
    for code in (first, second, wrong(first)):
        assert code.encode() not in data
        assert code not in workflow_id
