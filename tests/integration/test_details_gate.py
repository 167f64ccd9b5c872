"""Step 2 pays its argon2id hash only for a running enrollment: an unknown or ended one is refused
(404) before the hash and before the fields are judged, with no question to its draft; a wrong
draft key of a running one is refused by the workflow; a blank answer keeps the one given before
to the same question (the draft tells the question), and is required for a new question."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from temporalio.testing import WorkflowEnvironment

from domain.errors import InvalidFields
from domain.models import DetailsForm, IdentifiersForm
from security.keyed_hash import KeyedHasher, make_enrollment_id, new_draft_key, parse_enrollment_id
from security.passwords import SecretHasher
from services.enrollments import EnrollmentService
from services.errors import NotFound
from settings import Settings
from tests.live import worker_running
from tests.support import details, identifiers, unique_email


class CountingHasher(SecretHasher):
    """The app's hasher, counting the hashes it makes."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.hashes = 0

    def hash_sync(self, secret: str) -> str:
        self.hashes += 1
        return super().hash_sync(secret)


@pytest.fixture
async def service(
    dev_env: WorkflowEnvironment, settings: Settings, engine: Engine
) -> AsyncIterator[tuple[EnrollmentService, CountingHasher]]:
    async with worker_running(dev_env.client, settings, engine) as repository:
        hasher = CountingHasher(settings)
        keyed = KeyedHasher(settings.identifier_hash_key)
        yield EnrollmentService(dev_env.client, settings, repository, hasher, keyed), hasher


async def _with_details(enrollments: EnrollmentService) -> str:
    """A new enrollment's ID, its details given."""
    started = await enrollments.start(IdentifiersForm(**identifiers(unique_email())))
    await enrollments.submit_details(started.enrollment_id, DetailsForm(**details()))
    return started.enrollment_id


def _with_key(enrollment_id: str, draft_key: str) -> str:
    """The same enrollment's ID with another draft key."""
    assert parse_enrollment_id(enrollment_id) is not None
    return make_enrollment_id(enrollment_id.partition(".")[0], draft_key)


async def test_an_unknown_or_ended_enrollment_costs_no_hash(
    service: tuple[EnrollmentService, CountingHasher],
) -> None:
    enrollments, hasher = service
    unknown = make_enrollment_id("0" * 32, new_draft_key())
    with pytest.raises(NotFound):
        # Invalid fields too: 404 comes first.
        await enrollments.submit_details(unknown, DetailsForm(**details(last_name="")))
    started = await enrollments.start(IdentifiersForm(**identifiers(unique_email())))
    await enrollments.abandon(started.enrollment_id)
    hashes = hasher.hashes
    with pytest.raises(NotFound):
        await enrollments.submit_details(started.enrollment_id, DetailsForm(**details()))
    assert hasher.hashes == hashes


async def test_a_wrong_draft_key_is_refused_and_the_draft_keeps_its_details(
    service: tuple[EnrollmentService, CountingHasher],
) -> None:
    enrollments, _ = service
    enrollment_id = await _with_details(enrollments)

    forged = _with_key(enrollment_id, new_draft_key())
    with pytest.raises(NotFound):
        await enrollments.submit_details(forged, DetailsForm(**details(last_name="Autre")))

    recap = await enrollments.view(enrollment_id)
    assert recap.details is not None and recap.details.last_name == details()["last_name"]


async def test_a_blank_answer_keeps_the_previous_one_only_for_the_same_question(
    service: tuple[EnrollmentService, CountingHasher],
) -> None:
    enrollments, hasher = service
    enrollment_id = await _with_details(enrollments)
    hashes = hasher.hashes
    same_question = details()
    same_question["trust"] = {**same_question["trust"], "answer": ""}

    recap = await enrollments.submit_details(
        enrollment_id, DetailsForm(**same_question | {"last_name": "Autre"})
    )

    assert recap.details is not None and recap.details.last_name == "Autre"
    assert hasher.hashes == hashes  # the answer given before is kept, not hashed again
    other = details(trust={"question": "first_pet", "answer": ""})
    with pytest.raises(InvalidFields) as refused:
        await enrollments.submit_details(enrollment_id, DetailsForm(**other))
    assert [(e.field, e.code) for e in refused.value.errors] == [("trust.answer", "required")]
