"""The enrollment workflow in Temporal's time-skipping server: 48 hours pass in milliseconds.

The workflow is driven through the same service the API uses, with real activities: mail to a
real SMTP server, subscribers in a real SQLite database.
"""

from __future__ import annotations

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
from storage.subscribers import SubscriberRepository
from tests.support import code_from, details, identifiers, new_subscriber, unique_email
from tests.workflow_env import (
    Awaiting,
    awaiting_activation,
    confirmed_code,
    pre_register,
    wrong_code,
)
from workflows.enrollment import EnrollmentWorkflow


async def test_happy_path(
    enrollments: EnrollmentService,
    mail_sink: MailSink,
    engine: Engine,
    time_env: WorkflowEnvironment,
) -> None:
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)
    assert (await enrollments.view(enrollment_id)).status is EnrollmentStatus.AWAITING_CONFIRMATION
    code = await confirmed_code(enrollments, mail_sink, enrollment_id, email)

    activated = await enrollments.activate(email.upper(), code)  # identifiers ignore case

    assert activated.email == email
    stored = SubscriberRepository(engine).by_email(email)
    assert stored is not None and stored.subscriber_number == activated.subscriber_number
    # The recap is rendered once the activation has answered, before the workflow ends.
    handle = time_env.client.get_workflow_handle_for(
        EnrollmentWorkflow.run, enrollments._keyed.workflow_id(email)
    )
    assert (await handle.result()).status is EnrollmentStatus.ACTIVATED
    assert SubscriberRepository(engine).recap(activated.subscriber_id) is not None
    assert (await enrollments.view(enrollment_id)).status is EnrollmentStatus.ACTIVATED


async def test_wrong_code_then_right_code(
    enrollments: EnrollmentService, awaiting: Awaiting
) -> None:
    with pytest.raises(InvalidCode):
        await enrollments.activate(awaiting.email, wrong_code(awaiting.code))
    with pytest.raises(InvalidCode):  # the code is case-sensitive
        await enrollments.activate(awaiting.email, awaiting.code.swapcase())
    activated = await enrollments.activate(awaiting.email, awaiting.code)

    assert activated.subscriber_number
    with pytest.raises(InvalidCode):  # single use
        await enrollments.activate(awaiting.email, awaiting.code)


async def test_five_wrong_codes_void_the_code(
    enrollments: EnrollmentService, awaiting: Awaiting, mail_sink: MailSink
) -> None:
    for _ in range(5):
        with pytest.raises(InvalidCode):
            await enrollments.activate(awaiting.email, wrong_code(awaiting.code))

    with pytest.raises(TooManyAttempts):
        await enrollments.activate(awaiting.email, awaiting.code)

    # A new code voids the old one and opens the door again.
    await enrollments.resend(awaiting.email)
    new_code = code_from(await mail_sink.message_to(awaiting.email, 2))
    assert new_code != awaiting.code
    with pytest.raises(InvalidCode):  # the old code is void for good
        await enrollments.activate(awaiting.email, awaiting.code)
    assert (await enrollments.activate(awaiting.email, new_code)).subscriber_number


async def test_expiry_deletes_the_pre_registration_and_allows_a_new_one(
    enrollments: EnrollmentService,
    awaiting: Awaiting,
    mail_sink: MailSink,
    time_env: WorkflowEnvironment,
) -> None:
    await time_env.sleep(timedelta(hours=48, minutes=1))

    assert (await enrollments.view(awaiting.enrollment_id)).status is EnrollmentStatus.EXPIRED
    with pytest.raises(Expired):
        await enrollments.activate(awaiting.email, awaiting.code)
    handle = time_env.client.get_workflow_handle_for(
        EnrollmentWorkflow.run, enrollments._keyed.workflow_id(awaiting.email)
    )
    outcome = await handle.result()
    assert outcome.status is EnrollmentStatus.EXPIRED

    # The same identifier enrolls again from scratch.
    again = await awaiting_activation(enrollments, mail_sink, awaiting.email)
    assert (await enrollments.activate(awaiting.email, again.code)).subscriber_number


async def test_code_still_good_just_before_the_deadline(
    enrollments: EnrollmentService, awaiting: Awaiting, time_env: WorkflowEnvironment
) -> None:
    await time_env.sleep(timedelta(hours=47, minutes=59))
    assert (await enrollments.activate(awaiting.email, awaiting.code)).subscriber_number


async def test_unconfirmed_draft_is_abandoned_after_idle_time(
    enrollments: EnrollmentService, time_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)

    await time_env.sleep(timedelta(hours=1, minutes=1))

    assert (await enrollments.view(enrollment_id)).status is EnrollmentStatus.ABANDONED
    with pytest.raises(NotFound):
        await enrollments.confirm(enrollment_id)
    # Abandoned drafts free the identifier.
    assert (await enrollments.start(IdentifiersForm(**identifiers(email)))).enrollment_id


async def test_quit_abandons_the_draft(enrollments: EnrollmentService) -> None:
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)
    await enrollments.abandon(enrollment_id)
    assert (await enrollments.view(enrollment_id)).status is EnrollmentStatus.ABANDONED


async def test_a_new_draft_replaces_an_unconfirmed_one(enrollments: EnrollmentService) -> None:
    email = unique_email()
    first = await pre_register(enrollments, email)
    second = (await enrollments.start(IdentifiersForm(**identifiers(email)))).enrollment_id

    with pytest.raises(NotFound):
        await enrollments.view(first)
    recap = await enrollments.view(second)
    assert recap.status is EnrollmentStatus.IDENTIFIERS_SET and recap.details is None


async def test_an_identifier_taken_meanwhile_refuses_the_activation(
    enrollments: EnrollmentService, awaiting: Awaiting, engine: Engine
) -> None:
    """create_subscriber's refusal travels as one ProblemCode: activity, workflow, service."""
    SubscriberRepository(engine).create_once(new_subscriber(awaiting.email))  # by another way

    with pytest.raises(Conflict) as refused:
        await enrollments.activate(awaiting.email, awaiting.code)

    assert refused.value.code is ProblemCode.ALREADY_SUBSCRIBED
    assert (await enrollments.view(awaiting.enrollment_id)).status is EnrollmentStatus.ABANDONED


async def test_pending_activation_blocks_a_new_draft(
    enrollments: EnrollmentService, awaiting: Awaiting
) -> None:
    with pytest.raises(Conflict) as refused:
        await enrollments.start(IdentifiersForm(**identifiers(awaiting.email)))
    assert refused.value.code is ProblemCode.ACTIVATION_PENDING


async def test_unknown_identifier_and_wrong_code_look_the_same(
    enrollments: EnrollmentService,
) -> None:
    with pytest.raises(InvalidCode) as unknown:
        await enrollments.activate(unique_email(), "abcdefABCDEF")
    with pytest.raises(InvalidCode) as malformed:
        await enrollments.activate(unique_email(), "short")
    assert unknown.value.detail == malformed.value.detail


async def test_previous_step_keeps_the_details_for_the_same_identifier(
    enrollments: EnrollmentService,
) -> None:
    email = unique_email()
    first = await pre_register(enrollments, email)
    again = await enrollments.start(
        IdentifiersForm(**identifiers(email, "Other123")), replaces=first
    )
    recap = await enrollments.view(again.enrollment_id)
    assert recap.status is EnrollmentStatus.AWAITING_CONFIRMATION
    assert recap.details is not None and recap.details.last_name == "Rosemonde"


async def test_previous_step_carries_the_details_to_a_new_identifier(
    enrollments: EnrollmentService, mail_sink: MailSink
) -> None:
    old_email, new_email = unique_email(), unique_email()
    first = await pre_register(enrollments, old_email)
    moved = await enrollments.start(IdentifiersForm(**identifiers(new_email)), replaces=first)

    recap = await enrollments.view(moved.enrollment_id)
    assert recap.email == new_email and recap.details is not None
    assert (await enrollments.view(first)).status is EnrollmentStatus.ABANDONED
    # The carried trust answer is the one typed before; the enrollment goes through.
    code = await confirmed_code(enrollments, mail_sink, moved.enrollment_id, new_email)
    assert (await enrollments.activate(new_email, code)).subscriber_number


async def test_blank_answer_keeps_the_previous_one_only_for_the_same_question(
    enrollments: EnrollmentService,
) -> None:
    enrollment_id = await pre_register(enrollments, unique_email())
    same = details(trust={"question": "nickname", "answer": ""})
    assert (await enrollments.submit_details(enrollment_id, DetailsForm(**same))).details

    other = details(trust={"question": "first_pet", "answer": ""})
    with pytest.raises(InvalidFields) as refused:
        await enrollments.submit_details(enrollment_id, DetailsForm(**other))
    assert [e.field for e in refused.value.errors] == ["trust.answer"]
