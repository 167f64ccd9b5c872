"""The enrollment's status and deadline as ops search them: the first status indexed with the
start, each later one upserted, and a status set again where the start left it upserting
nothing; the code's deadline indexed when the code is issued, not again for a prompt e-mail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.common import SearchAttributeKey
from temporalio.testing import WorkflowEnvironment

from devstack.mail_sink import MailSink
from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from orchestration.search_attributes import ACTIVATION_DEADLINE, ENROLLMENT_STATUS
from services.enrollments import EnrollmentService
from tests.support import details, identifiers, unique_email
from tests.workflow_env import pre_register
from workflows.enrollment_messages import EmailDelivery

UPSERT = EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES


async def _indexed(
    handle: WorkflowHandle[object, object], key: SearchAttributeKey[Any] = ENROLLMENT_STATUS
) -> tuple[Any, list[str]]:
    """What the search finds under `key`, and the values the history upserted, in order."""
    found = (await handle.describe()).typed_search_attributes.get(key)
    upserted = []
    async for event in handle.fetch_history_events():
        if event.event_type == UPSERT:
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            if key.name in fields.indexed_fields:
                upserted.append(fields.indexed_fields[key.name].data.decode())
    return found, upserted


def _handle(
    env: WorkflowEnvironment, enrollments: EnrollmentService, email: str
) -> WorkflowHandle[object, object]:
    return env.client.get_workflow_handle(enrollments._keyed.workflow_id(email))


async def test_the_first_status_is_indexed_with_the_start(
    enrollments: EnrollmentService, time_env: WorkflowEnvironment
) -> None:
    email = unique_email()
    started = await enrollments.start(IdentifiersForm(**identifiers(email)))
    handle = _handle(time_env, enrollments, email)

    assert await _indexed(handle) == (EnrollmentStatus.IDENTIFIERS_SET.value, [])

    await enrollments.submit_details(started.enrollment_id, DetailsForm(**details()))
    awaiting = EnrollmentStatus.AWAITING_CONFIRMATION.value
    assert await _indexed(handle) == (awaiting, [f'"{awaiting}"'])


async def test_details_carried_to_a_new_identifier_are_indexed_with_its_start(
    enrollments: EnrollmentService, time_env: WorkflowEnvironment
) -> None:
    old_email, new_email = unique_email(), unique_email()
    first = await pre_register(enrollments, old_email)

    await enrollments.start(IdentifiersForm(**identifiers(new_email)), replaces=first)

    awaiting = EnrollmentStatus.AWAITING_CONFIRMATION.value
    assert await _indexed(_handle(time_env, enrollments, new_email)) == (awaiting, [])


async def test_a_draft_replaced_under_the_same_identifier_is_indexed_again(
    enrollments: EnrollmentService, time_env: WorkflowEnvironment
) -> None:
    """The run already exists: the start's attributes are not used, the status is upserted."""
    email = unique_email()
    await pre_register(enrollments, email)

    await enrollments.start(IdentifiersForm(**identifiers(email, "Other123")))

    awaiting, drafting = (
        EnrollmentStatus.AWAITING_CONFIRMATION.value,
        EnrollmentStatus.IDENTIFIERS_SET.value,
    )
    assert await _indexed(_handle(time_env, enrollments, email)) == (
        drafting,
        [f'"{awaiting}"', f'"{drafting}"'],
    )


async def test_a_code_sent_at_once_keeps_the_deadline_indexed_at_its_issue(
    enrollments: EnrollmentService, mail_sink: MailSink, time_env: WorkflowEnvironment
) -> None:
    """The true deadline runs from the sending, a moment after the issue: the index is left
    within that moment of it rather than written again."""
    email = unique_email()
    enrollment_id = await pre_register(enrollments, email)

    confirmed = await enrollments.confirm(enrollment_id)

    assert confirmed.email_delivery is EmailDelivery.SENT
    deadline = confirmed.activation_deadline
    indexed, upserted = await _indexed(_handle(time_env, enrollments, email), ACTIVATION_DEADLINE)
    assert len(upserted) == 1
    assert deadline - timedelta(seconds=1) < indexed <= deadline
