"""Concurrent messages to one enrollment, in Temporal's time-skipping server with the real
worker: racing confirms get one answer and one e-mail; racing activations create one subscriber."""

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
from tests.support import code_from, unique_email
from tests.workflow_env import Awaiting, pre_register, wrong_code
from workflows.enrollment_messages import Confirmed


async def test_racing_confirms_get_one_answer_and_one_code(
    enrollments: EnrollmentService, mail_sink: MailSink, engine: Engine
) -> None:
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)

    answers = await asyncio.gather(*(enrollments.confirm(enrollment_id) for _ in range(5)))

    assert all(isinstance(answer, Confirmed) for answer in answers)
    assert {answer.activation_deadline for answer in answers} == {answers[0].activation_deadline}
    code = code_from(await mail_sink.message_to(email))
    await asyncio.sleep(0.5)  # a second e-mail, if there were one, would be here by now
    assert mail_sink.count_to(email) == 1
    deliveries = CodeDeliveryRepository(engine).for_process(enrollments._keyed.workflow_id(email))
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


async def test_racing_confirm_and_resend_send_at_most_two_codes_and_the_last_one_works(
    enrollments: EnrollmentService, awaiting: Awaiting, mail_sink: MailSink
) -> None:
    await asyncio.gather(*(enrollments.resend(awaiting.email) for _ in range(3)))

    await asyncio.sleep(0.5)
    sent = mail_sink.count_to(awaiting.email)
    assert 2 <= sent <= 4  # each accepted resend is one new code, never a duplicate of one
    codes = [code_from(message) for message in mail_sink.messages_to(awaiting.email)]
    assert len(set(codes)) == len(codes)
    for old in codes[:-1]:
        with pytest.raises(InvalidCode):
            await enrollments.activate(awaiting.email, old)
    assert (await enrollments.activate(awaiting.email, codes[-1])).subscriber_number
