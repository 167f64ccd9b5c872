"""The enrollment's status as ops search it: the first one indexed with the start, each later one
upserted, and a status set again where the start left it upserting nothing."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from domain.models import DetailsForm, EnrollmentStatus, IdentifiersForm
from orchestration.search_attributes import ENROLLMENT_STATUS
from services.enrollments import EnrollmentService
from tests.support import details, identifiers, unique_email
from tests.workflow_env import pre_register

UPSERT = EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES


async def _indexed(handle: WorkflowHandle[object, object]) -> tuple[str | None, list[str]]:
    """The status the search finds, and the statuses the history upserted, in order."""
    status = (await handle.describe()).typed_search_attributes.get(ENROLLMENT_STATUS)
    upserted = []
    async for event in handle.fetch_history_events():
        if event.event_type == UPSERT:
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            if ENROLLMENT_STATUS.name in fields.indexed_fields:
                upserted.append(fields.indexed_fields[ENROLLMENT_STATUS.name].data.decode())
    return status, upserted


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
