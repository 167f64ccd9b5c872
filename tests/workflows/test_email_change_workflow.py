"""« Modifier mon adresse électronique » in Temporal's time-skipping server: the 24 hours pass
in milliseconds. Driven through the service the API uses, with real activities: mail to a real
SMTP server, subscribers in a real database."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from devstack.mail_sink import MailSink, text_of
from domain.account_forms import EmailChangeCodeForm
from domain.models import IdentifiersForm
from services.errors import (
    Conflict,
    Expired,
    Forbidden,
    InvalidCode,
    NotFound,
    TooManyAttempts,
    Unauthorized,
)
from services.subscribers import SignedIn
from settings import Settings
from storage.tables import Subscriber
from tests.accounts import (
    PASSWORD,
    AccountServices,
    change_form,
    make_subscriber,
    notice_to,
    plain,
)
from tests.support import code_from, identifiers, unique_email
from tests.workflow_env import pre_register, wrong_code
from workflows.email_change import EmailChangeWorkflow
from workflows.email_change_messages import EmailChangeStatus
from workflows.password_reset_messages import PasswordResetStatus


async def code_sent_to(
    services: AccountServices, sink: MailSink, me: SignedIn, new_email: str
) -> str:
    before = sink.count_to(new_email)
    requested = await services.changes.request(me, change_form(new_email))
    assert requested.new_email == new_email.lower()  # identifiers are stored lower-cased
    message = await sink.message_to(new_email, before + 1)
    assert "24 heures" in plain(text_of(message)) and "http" not in text_of(message)
    return code_from(message)


async def test_the_identifier_changes_once_the_code_is_entered(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    old, new = subscriber.email, unique_email("nouvelle")
    mine, others = services.session_token(subscriber), services.session_token(subscriber)
    me = services.subscribers.authenticate_session(mine)
    # A pending « Mot de passe oublié ? » for the old address stops with it.
    await services.resets.request(old)
    await mail_sink.message_to(old)

    code = await code_sent_to(services, mail_sink, me, new.upper())
    # Until the code is entered, the old address stays the identifier.
    await services.subscribers.sign_in(old, PASSWORD)
    with pytest.raises(Unauthorized):
        await services.subscribers.sign_in(new, PASSWORD)

    updated = await services.changes.confirm(me, EmailChangeCodeForm(code=code))

    assert updated.email == new and updated.details_changed_at is not None
    await services.subscribers.sign_in(new, PASSWORD)
    with pytest.raises(Unauthorized):
        await services.subscribers.sign_in(old, PASSWORD)
    assert services.subscribers.authenticate(mine).email == new  # this session stays
    with pytest.raises(Unauthorized):  # the other one ended
        services.subscribers.authenticate(others)
    text = await notice_to(mail_sink, old, "identifiant a été modifié")
    assert new.split("@")[1] in text and new.split("@")[0] not in text  # masked
    assert mail_sink.count_to(new) == 1  # the code only: the notice goes to the old address
    changed = await services.change_process(subscriber).result()
    assert changed.status is EmailChangeStatus.CHANGED
    withdrawn = await services.reset_process(old).result()
    assert withdrawn.status is PasswordResetStatus.WITHDRAWN
    recap = services.repository.recap(updated.id or 0)
    assert recap is not None
    # SPEC §6: the recap PDF is rendered again, with the new address (label as printed).
    pages = PdfReader(io.BytesIO(recap)).pages
    text = "\n".join(page.extract_text() for page in pages).replace("\xa0", " ")
    assert f"Adresse mèl professionnelle {new}" in text
    assert old not in text


async def test_the_code_expires_after_24_hours(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    me = services.signed_in(subscriber)
    code = await code_sent_to(services, mail_sink, me, unique_email("nouvelle"))
    handle = services.change_process(subscriber)

    await services.env.sleep(timedelta(hours=23, minutes=50))
    with pytest.raises(InvalidCode):
        await services.changes.confirm(me, EmailChangeCodeForm(code=wrong_code(code)))
    assert await handle.query(EmailChangeWorkflow.status) is EmailChangeStatus.AWAITING_CODE

    await services.env.sleep(timedelta(minutes=20))
    assert (await handle.result()).status is EmailChangeStatus.EXPIRED
    with pytest.raises(Expired):
        await services.changes.confirm(me, EmailChangeCodeForm(code=code))
    stored = services.repository.get(subscriber.id or 0)
    assert stored is not None and stored.email == subscriber.email


async def test_the_right_code_after_23_hours_50_still_changes_the_address(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    """SPEC §6: valid 24 hours. Ten minutes before the deadline the right code still works."""
    me = services.signed_in(subscriber)
    new = unique_email("nouvelle")
    code = await code_sent_to(services, mail_sink, me, new)
    handle = services.change_process(subscriber)

    await services.env.sleep(timedelta(hours=23, minutes=50))
    updated = await services.changes.confirm(me, EmailChangeCodeForm(code=code))

    assert updated.email == new
    assert (await handle.result()).status is EmailChangeStatus.CHANGED
    stored = services.repository.get(subscriber.id or 0)
    assert stored is not None and stored.email == new


async def test_a_new_request_replaces_the_pending_one(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    me = services.signed_in(subscriber)
    first, second = unique_email("premiere"), unique_email("seconde")
    first_code = await code_sent_to(services, mail_sink, me, first)
    second_code = await code_sent_to(services, mail_sink, me, second)

    with pytest.raises(InvalidCode):
        await services.changes.confirm(me, EmailChangeCodeForm(code=first_code))
    updated = await services.changes.confirm(me, EmailChangeCodeForm(code=second_code))
    assert updated.email == second


async def test_five_wrong_codes_void_it(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber, settings: Settings
) -> None:
    me = services.signed_in(subscriber)
    code = await code_sent_to(services, mail_sink, me, unique_email("nouvelle"))
    for _ in range(settings.max_code_attempts):
        with pytest.raises(InvalidCode):
            await services.changes.confirm(me, EmailChangeCodeForm(code=wrong_code(code)))
    with pytest.raises(TooManyAttempts):
        await services.changes.confirm(me, EmailChangeCodeForm(code=code))


async def test_a_taken_address_is_refused_and_secrets_are_checked(
    services: AccountServices, subscriber: Subscriber, settings: Settings, engine: Engine
) -> None:
    me = services.signed_in(subscriber)
    other = make_subscriber(engine, settings, unique_email("autre"))
    with pytest.raises(Conflict) as taken:
        await services.changes.request(me, change_form(other.email))
    assert taken.value.code == "email_taken"
    with pytest.raises(Conflict):  # their own address is no change
        await services.changes.request(me, change_form(subscriber.email))

    # An address awaiting activation belongs to that enrollment.
    pending = unique_email("inscription")
    await pre_register(services.enrollments, pending)
    with pytest.raises(Conflict):
        await services.changes.request(me, change_form(pending))

    with pytest.raises(Forbidden):
        await services.changes.request(me, change_form(unique_email("libre"), answer="toto"))
    with pytest.raises(NotFound):  # nothing pending
        await services.changes.confirm(me, EmailChangeCodeForm(code="Abcdefgh1234"))


async def test_an_enrollment_started_meanwhile_keeps_the_address(
    services: AccountServices, mail_sink: MailSink, subscriber: Subscriber
) -> None:
    me = services.signed_in(subscriber)
    new = unique_email("convoitee")
    code = await code_sent_to(services, mail_sink, me, new)
    await services.enrollments.start(IdentifiersForm(**identifiers(new)))

    with pytest.raises(Conflict) as taken:
        await services.changes.confirm(me, EmailChangeCodeForm(code=code))
    assert taken.value.code == "email_taken"
    stored = services.repository.get(subscriber.id or 0)
    assert stored is not None and stored.email == subscriber.email
