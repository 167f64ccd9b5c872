"""Concurrent messages to one enrollment, in Temporal's time-skipping server with the real
worker: racing confirms get one answer and one e-mail; a confirm racing a resend leaves exactly
one valid code; racing activations create one subscriber. "No second e-mail" is checked once the
workflow has nothing in flight (tests.quiet), never after a pause."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session, col

from devstack.mail_sink import MailSink
from domain.models import EnrollmentStatus
from services.enrollments import Activated, EnrollmentService
from services.errors import InvalidCode
from storage.code_deliveries import CodeDeliveryRepository
from storage.tables import Subscriber
from tests.accounts import AccountServices
from tests.quiet import quiet
from tests.support import code_from, unique_email
from tests.workflow_env import Awaiting, pre_register, wrong_code
from workflows.enrollment_messages import Confirmed


async def test_racing_confirms_get_one_answer_and_one_code(
    enrollments: EnrollmentService, services: AccountServices, mail_sink: MailSink, engine: Engine
) -> None:
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)

    answers = await asyncio.gather(*(enrollments.confirm(enrollment_id) for _ in range(5)))

    assert all(isinstance(answer, Confirmed) for answer in answers)
    assert {answer.activation_deadline for answer in answers} == {answers[0].activation_deadline}
    code = code_from(await mail_sink.message_to(email))
    workflow_id = services.keyed.workflow_id(email)
    await quiet(services.env.client.get_workflow_handle(workflow_id))
    assert mail_sink.count_to(email) == 1
    deliveries = CodeDeliveryRepository(engine).for_process(workflow_id)
    assert [d.generation for d in deliveries] == [1] and deliveries[0].state == "sent"
    # And a confirm retried later still answers the first answer.
    again = await enrollments.confirm(enrollment_id)
    assert again.activation_deadline == answers[0].activation_deadline
    assert (await enrollments.activate(email, code)).subscriber_number


async def test_racing_activations_create_one_subscriber_and_answer_alike(
    enrollments: EnrollmentService, awaiting: Awaiting, engine: Engine
) -> None:
    """A double click, or a client retrying while the activation runs: one activation wins
    (one subscriber); the duplicates in flight get its answer; afterwards the code is spent."""
    outcomes = await asyncio.gather(
        *(enrollments.activate(awaiting.email, awaiting.code) for _ in range(4)),
        return_exceptions=True,
    )

    assert all(isinstance(outcome, Activated) for outcome in outcomes), outcomes
    numbers = {outcome.subscriber_number for outcome in outcomes if isinstance(outcome, Activated)}
    assert len(numbers) == 1
    with Session(engine) as session:
        rows = session.execute(
            select(func.count()).where(col(Subscriber.email) == awaiting.email)
        ).scalar_one()
    assert rows == 1
    assert (await enrollments.view(awaiting.enrollment_id)).status is EnrollmentStatus.ACTIVATED
    with pytest.raises(InvalidCode):  # single use: spent once the activation is over
        await enrollments.activate(awaiting.email, awaiting.code)


async def test_racing_wrong_and_right_codes_have_exactly_one_winner(
    enrollments: EnrollmentService, awaiting: Awaiting, engine: Engine
) -> None:
    wrong = wrong_code(awaiting.code)

    outcomes = await asyncio.gather(
        enrollments.activate(awaiting.email, wrong),
        enrollments.activate(awaiting.email, awaiting.code),
        enrollments.activate(awaiting.email, wrong),
        return_exceptions=True,
    )

    assert isinstance(outcomes[1], Activated), outcomes
    assert all(isinstance(outcome, InvalidCode) for outcome in (outcomes[0], outcomes[2]))
    with Session(engine) as session:
        rows = session.execute(
            select(func.count()).where(col(Subscriber.email) == awaiting.email)
        ).scalar_one()
    assert rows == 1


async def test_a_confirm_racing_a_resend_leaves_exactly_one_valid_code(
    enrollments: EnrollmentService, services: AccountServices, mail_sink: MailSink, engine: Engine
) -> None:
    """« Confirmer » and « renvoyer le code » at once (two tabs, a client retrying). SPEC §3:
    the confirmation sends the code; a resend voids it and sends a new one; before the
    confirmation there is nothing to resend. Whichever wins the race, each code goes out in one
    e-mail, and only the last one sent activates."""
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)

    confirmed, _ = await asyncio.gather(
        enrollments.confirm(enrollment_id), enrollments.resend(email)
    )

    assert confirmed.status is EnrollmentStatus.AWAITING_ACTIVATION
    workflow_id = services.keyed.workflow_id(email)
    await quiet(services.env.client.get_workflow_handle(workflow_id))
    deliveries = CodeDeliveryRepository(engine).for_process(workflow_id)
    # The confirmation's code, and at most one more from the resend: nothing else.
    assert [d.generation for d in deliveries] in ([1], [1, 2]), deliveries
    assert {d.state for d in deliveries} == {"sent"}
    codes = [code_from(message) for message in mail_sink.messages_to(email)]
    assert len(codes) == len(deliveries)  # one e-mail per code: none sent twice
    assert len(set(codes)) == len(codes)
    for old in codes[:-1]:
        with pytest.raises(InvalidCode):
            await enrollments.activate(email, old)
    assert (await enrollments.activate(email, codes[-1])).subscriber_number
    with pytest.raises(InvalidCode):  # single use
        await enrollments.activate(email, codes[-1])


async def test_racing_resends_send_each_code_once_and_only_the_last_one_works(
    enrollments: EnrollmentService,
    services: AccountServices,
    awaiting: Awaiting,
    mail_sink: MailSink,
    engine: Engine,
) -> None:
    workflow_id = services.keyed.workflow_id(awaiting.email)
    process = services.env.client.get_workflow_handle(workflow_id)
    await quiet(process)  # the first code's sending is recorded: a resend may replace it

    await asyncio.gather(*(enrollments.resend(awaiting.email) for _ in range(3)))

    await quiet(process)
    deliveries = CodeDeliveryRepository(engine).for_process(workflow_id)
    # SPEC §3 "resends are limited" (3 by default): the first code and at most 3 new ones.
    assert 2 <= len(deliveries) <= 4
    assert {d.state for d in deliveries} == {"sent"}
    codes = [code_from(message) for message in mail_sink.messages_to(awaiting.email)]
    assert len(codes) == len(deliveries)  # one e-mail per code sent: none went out twice
    assert len(set(codes)) == len(codes)
    for old in codes[:-1]:
        with pytest.raises(InvalidCode):
            await enrollments.activate(awaiting.email, old)
    assert (await enrollments.activate(awaiting.email, codes[-1])).subscriber_number
