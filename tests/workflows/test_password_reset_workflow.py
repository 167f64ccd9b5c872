"""« Mot de passe oublié ? » in Temporal's time-skipping server: the 30 minutes pass in
milliseconds. Driven through the service the API uses, with real activities: mail to a real
SMTP server, subscribers in a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.service import RPCError

from devstack.mail_sink import MailSink, text_of
from domain.account_forms import PasswordResetForm
from domain.errors import InvalidFields
from security.passwords import SecretHasher
from services.errors import InvalidReset, TooManyAttempts, Unauthorized
from settings import Settings
from storage.tables import Subscriber
from tests.accounts import (
    NEW_PASSWORD,
    PASSWORD,
    AccountServices,
    notice_to,
    plain,
    reset_form,
)
from tests.support import code_from, unique_email
from tests.workflow_env import wrong_code
from workflows.password_reset import PasswordResetWorkflow
from workflows.password_reset_messages import PasswordResetStatus


async def requested_code(services: AccountServices, sink: MailSink, email: str) -> str:
    before = sink.count_to(email)
    await services.resets.request(email)
    return code_from(await sink.message_to(email, before + 1))


async def assert_a_new_code_voids(
    services: AccountServices, sink: MailSink, email: str, old: str
) -> None:
    """A new request: a new code; the old one stays refused, the new one resets."""
    new = await requested_code(services, sink, email)
    assert new != old
    with pytest.raises(InvalidReset):
        await services.resets.complete(reset_form(email, old))
    await services.resets.complete(reset_form(email, new))


async def test_reset_ends_every_session_and_tells_the_subscriber(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber, settings: Settings
) -> None:
    email = subscriber.email
    sessions = [services.session_token(subscriber) for _ in range(2)]

    before = mail_sink.count_to(email)
    await services.resets.request(email.upper())  # identifiers ignore case
    message = await mail_sink.message_to(email, before + 1)
    text = plain(text_of(message))
    assert "Quel est votre surnom ?" in text  # the question's label, never the answer
    assert "tâta" not in text.lower() and "tata" not in text.lower()
    assert "30 minutes" in text and "http" not in text
    code = code_from(message)

    await services.resets.complete(reset_form(email, code, answer="  TATA "))

    stored = services.repository.by_email(email)
    assert stored is not None
    assert SecretHasher(settings).verify_sync(stored.password_hash, NEW_PASSWORD)
    for session in sessions:  # every session ends, none is kept
        with pytest.raises(Unauthorized):
            services.subscribers.authenticate(session)
    assert (await services.reset_process(email).result()).status is PasswordResetStatus.RESET
    assert "réinitialisé" in await notice_to(mail_sink, email, "mot de passe a été réinitialisé")
    # The code is single use.
    with pytest.raises(InvalidReset):
        await services.resets.complete(reset_form(email, code, new_password="Encore2026"))


async def test_code_and_answer_are_judged_together_five_tries(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber, settings: Settings
) -> None:
    email = subscriber.email
    code = await requested_code(services, mail_sink, email)

    # The right code with a wrong answer is a wrong try, told like a wrong code.
    with pytest.raises(InvalidReset) as right_code_wrong_answer:
        await services.resets.complete(reset_form(email, code, answer="toto"))
    with pytest.raises(InvalidReset) as wrong_code_right_answer:
        await services.resets.complete(reset_form(email, wrong_code(code)))
    assert right_code_wrong_answer.value.detail == wrong_code_right_answer.value.detail
    for _ in range(settings.max_code_attempts - 2):
        with pytest.raises(InvalidReset):
            await services.resets.complete(reset_form(email, wrong_code(code)))
    with pytest.raises(TooManyAttempts):  # void now, even with the right code and answer
        await services.resets.complete(reset_form(email, code))
    await assert_a_new_code_voids(services, mail_sink, email, code)


async def test_a_new_request_voids_the_previous_code(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    first = await requested_code(services, mail_sink, subscriber.email)
    await assert_a_new_code_voids(services, mail_sink, subscriber.email, first)


async def test_the_code_expires_after_30_minutes(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber, settings: Settings
) -> None:
    email = subscriber.email
    code = await requested_code(services, mail_sink, email)
    handle = services.reset_process(email)

    await services.env.sleep(timedelta(minutes=29))
    with pytest.raises(InvalidReset):  # still pending: a wrong code is only a wrong try
        await services.resets.complete(reset_form(email, wrong_code(code)))
    assert await handle.query(PasswordResetWorkflow.status) is PasswordResetStatus.AWAITING_CODE

    await services.env.sleep(timedelta(minutes=2))
    assert (await handle.result()).status is PasswordResetStatus.EXPIRED
    with pytest.raises(InvalidReset):  # the right code, too late: the same answer
        await services.resets.complete(reset_form(email, code))
    stored = services.repository.by_email(email)
    assert stored is not None
    assert SecretHasher(settings).verify_sync(stored.password_hash, PASSWORD)


async def test_the_right_code_after_29_minutes_still_resets(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber, settings: Settings
) -> None:
    """SPEC §6: valid 30 minutes. A minute before the deadline the right code still works."""
    email = subscriber.email
    code = await requested_code(services, mail_sink, email)
    handle = services.reset_process(email)

    await services.env.sleep(timedelta(minutes=29))
    await services.resets.complete(reset_form(email, code))

    assert (await handle.result()).status is PasswordResetStatus.RESET
    stored = services.repository.by_email(email)
    assert stored is not None
    assert SecretHasher(settings).verify_sync(stored.password_hash, NEW_PASSWORD)


async def test_the_same_answer_for_an_unknown_identifier(
    services: AccountServices, mail_sink: MailSink
) -> None:
    ghost = unique_email("ghost")
    await services.resets.request(ghost)  # silent: nothing tells it is unknown
    await services.resets.settled()
    assert mail_sink.count_to(ghost) == 0
    handle = services.resets._client.get_workflow_handle(services.resets.workflow_id(ghost))
    with pytest.raises(RPCError):  # no process was started for it
        await handle.describe()
    with pytest.raises(InvalidReset):
        await services.resets.complete(reset_form(ghost, "Abcdefgh1234"))


async def test_the_new_passwords_rules_come_first(services: AccountServices) -> None:
    with pytest.raises(InvalidFields) as refused:
        await services.resets.complete(
            PasswordResetForm(new_password="court", new_password_confirmation="autre")
        )
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("email", "required"),
        ("code", "required"),
        ("trust_answer", "required"),
        ("new_password", "password_too_short"),
        ("new_password_confirmation", "password_mismatch"),
    }
