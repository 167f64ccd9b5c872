"""The enrollment workflow in Temporal's time-skipping server: 48 hours pass in milliseconds.

The workflow is driven through the same service the API uses, with real activities: mail to a
real SMTP server, subscribers in a real SQLite database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.errors import InvalidFields
from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from domain.problems import ProblemCode
from services.enrollments import EnrollmentService
from services.errors import Conflict, Expired, InvalidCode, NotFound, TooManyAttempts
from settings import Settings
from storage.subscribers import SubscriberRepository
from tests.live import enrollment_service
from tests.support import code_from, details, identifiers, new_subscriber, unique_email
from workflows.enrollment import EnrollmentWorkflow


@pytest.fixture
async def service(
    time_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[EnrollmentService]:
    async with enrollment_service(time_env, settings, engine) as enrollments:
        yield enrollments


async def _pre_register(service: EnrollmentService, email: str) -> str:
    started = await service.start(IdentifiersForm(**identifiers(email)))
    await service.submit_details(started.enrollment_id, DetailsForm(**details()))
    return started.enrollment_id


async def _confirm(
    service: EnrollmentService, sink: MailSink, enrollment_id: str, email: str
) -> str:
    """Confirm, and return the code read from the e-mail that confirmation sent."""
    sent_before = sink.count_to(email)
    await service.confirm(enrollment_id)
    return code_from(await sink.message_to(email, sent_before + 1))


def _wrong(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


async def test_happy_path(
    service: EnrollmentService, mail_sink: MailSink, engine: Engine, time_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    assert (await service.view(enrollment_id)).status is EnrollmentStatus.AWAITING_CONFIRMATION
    code = await _confirm(service, mail_sink, enrollment_id, email)

    activated = await service.activate(email.upper(), code)  # identifiers ignore case

    assert activated.email == email
    stored = SubscriberRepository(engine).by_email(email)
    assert stored is not None and stored.subscriber_number == activated.subscriber_number
    # The recap is rendered once the activation has answered, before the workflow ends.
    handle = time_env.client.get_workflow_handle_for(
        EnrollmentWorkflow.run, service._keyed.workflow_id(email)
    )
    assert (await handle.result()).status is EnrollmentStatus.ACTIVATED
    assert SubscriberRepository(engine).recap(activated.subscriber_id) is not None
    assert (await service.view(enrollment_id)).status is EnrollmentStatus.ACTIVATED


async def test_wrong_code_then_right_code(service: EnrollmentService, mail_sink: MailSink) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    code = await _confirm(service, mail_sink, enrollment_id, email)

    with pytest.raises(InvalidCode):
        await service.activate(email, _wrong(code))
    with pytest.raises(InvalidCode):
        await service.activate(email, code.swapcase())  # the code is case-sensitive
    activated = await service.activate(email, code)

    assert activated.subscriber_number
    with pytest.raises(InvalidCode):  # single use
        await service.activate(email, code)


async def test_five_wrong_codes_void_the_code(
    service: EnrollmentService, mail_sink: MailSink
) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    code = await _confirm(service, mail_sink, enrollment_id, email)
    for _ in range(5):
        with pytest.raises(InvalidCode):
            await service.activate(email, _wrong(code))

    with pytest.raises(TooManyAttempts):
        await service.activate(email, code)

    # A new code voids the old one and opens the door again.
    await service.resend(email)
    new_code = code_from(await mail_sink.message_to(email, 2))
    assert new_code != code
    with pytest.raises(InvalidCode):  # the old code is void for good
        await service.activate(email, code)
    assert (await service.activate(email, new_code)).subscriber_number


async def test_expiry_deletes_the_pre_registration_and_allows_a_new_one(
    service: EnrollmentService, mail_sink: MailSink, time_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    code = await _confirm(service, mail_sink, enrollment_id, email)

    await time_env.sleep(timedelta(hours=48, minutes=1))

    assert (await service.view(enrollment_id)).status is EnrollmentStatus.EXPIRED
    with pytest.raises(Expired):
        await service.activate(email, code)
    handle = time_env.client.get_workflow_handle_for(
        EnrollmentWorkflow.run, service._keyed.workflow_id(email)
    )
    outcome = await handle.result()
    assert outcome.status is EnrollmentStatus.EXPIRED

    # The same identifier enrolls again from scratch.
    again = await _pre_register(service, email)
    new_code = await _confirm(service, mail_sink, again, email)
    assert (await service.activate(email, new_code)).subscriber_number


async def test_code_still_good_just_before_the_deadline(
    service: EnrollmentService, mail_sink: MailSink, time_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    code = await _confirm(service, mail_sink, enrollment_id, email)
    await time_env.sleep(timedelta(hours=47, minutes=59))
    assert (await service.activate(email, code)).subscriber_number


async def test_unconfirmed_draft_is_abandoned_after_idle_time(
    service: EnrollmentService, time_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)

    await time_env.sleep(timedelta(hours=1, minutes=1))

    assert (await service.view(enrollment_id)).status is EnrollmentStatus.ABANDONED
    with pytest.raises(NotFound):
        await service.confirm(enrollment_id)
    # Abandoned drafts free the identifier.
    assert (await service.start(IdentifiersForm(**identifiers(email)))).enrollment_id


async def test_quit_abandons_the_draft(service: EnrollmentService) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    await service.abandon(enrollment_id)
    assert (await service.view(enrollment_id)).status is EnrollmentStatus.ABANDONED


async def test_a_new_draft_replaces_an_unconfirmed_one(service: EnrollmentService) -> None:
    email = unique_email()
    first = await _pre_register(service, email)
    second = (await service.start(IdentifiersForm(**identifiers(email)))).enrollment_id

    with pytest.raises(NotFound):
        await service.view(first)
    recap = await service.view(second)
    assert recap.status is EnrollmentStatus.IDENTIFIERS_SET and recap.details is None


async def test_an_identifier_taken_meanwhile_refuses_the_activation(
    service: EnrollmentService, mail_sink: MailSink, engine: Engine
) -> None:
    """create_subscriber's refusal travels as one ProblemCode: activity, workflow, service."""
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    code = await _confirm(service, mail_sink, enrollment_id, email)
    SubscriberRepository(engine).create_once(new_subscriber(email))  # by another way

    with pytest.raises(Conflict) as refused:
        await service.activate(email, code)

    assert refused.value.code is ProblemCode.ALREADY_SUBSCRIBED
    assert (await service.view(enrollment_id)).status is EnrollmentStatus.ABANDONED


async def test_pending_activation_blocks_a_new_draft(
    service: EnrollmentService, mail_sink: MailSink
) -> None:
    email = unique_email()
    enrollment_id = await _pre_register(service, email)
    await _confirm(service, mail_sink, enrollment_id, email)
    with pytest.raises(Conflict) as refused:
        await service.start(IdentifiersForm(**identifiers(email)))
    assert refused.value.code is ProblemCode.ACTIVATION_PENDING


async def test_unknown_identifier_and_wrong_code_look_the_same(
    service: EnrollmentService,
) -> None:
    with pytest.raises(InvalidCode) as unknown:
        await service.activate(unique_email(), "abcdefABCDEF")
    with pytest.raises(InvalidCode) as malformed:
        await service.activate(unique_email(), "short")
    assert unknown.value.detail == malformed.value.detail


async def test_previous_step_keeps_the_details_for_the_same_identifier(
    service: EnrollmentService,
) -> None:
    email = unique_email()
    first = await _pre_register(service, email)
    again = await service.start(IdentifiersForm(**identifiers(email, "Other123")), replaces=first)
    recap = await service.view(again.enrollment_id)
    assert recap.status is EnrollmentStatus.AWAITING_CONFIRMATION
    assert recap.details is not None and recap.details.last_name == "Rosemonde"


async def test_previous_step_carries_the_details_to_a_new_identifier(
    service: EnrollmentService, mail_sink: MailSink
) -> None:
    old_email, new_email = unique_email(), unique_email()
    first = await _pre_register(service, old_email)
    moved = await service.start(IdentifiersForm(**identifiers(new_email)), replaces=first)

    recap = await service.view(moved.enrollment_id)
    assert recap.email == new_email and recap.details is not None
    assert (await service.view(first)).status is EnrollmentStatus.ABANDONED
    # The carried trust answer is the one typed before; the enrollment goes through.
    code = await _confirm(service, mail_sink, moved.enrollment_id, new_email)
    assert (await service.activate(new_email, code)).subscriber_number


async def test_blank_answer_keeps_the_previous_one_only_for_the_same_question(
    service: EnrollmentService,
) -> None:
    enrollment_id = await _pre_register(service, unique_email())
    same = details(trust={"question": "nickname", "answer": ""})
    assert (await service.submit_details(enrollment_id, DetailsForm(**same))).details

    other = details(trust={"question": "first_pet", "answer": ""})
    with pytest.raises(InvalidFields) as refused:
        await service.submit_details(enrollment_id, DetailsForm(**other))
    assert [e.field for e in refused.value.errors] == ["trust.answer"]
